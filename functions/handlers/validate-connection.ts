/**
 * POST /api/{projectSlug}/{environmentSlug}/resource-connections/validate: runs every check a
 * create runs (body, pair rule, duplicate) and writes nothing. A refusal is the answer, as data:
 * 200 with the problem the create would have answered.
 */
import { ENDPOINTS } from '#http/endpoints.ts';
import { problemOf } from '#http/errors.ts';
import { endpoint, json, problemDocument } from '#http/http.ts';
import * as routes from '../routes.ts';
import { readJsonBody } from '#http/request-body.ts';
import type { CreateConnectionInput } from '#model/inputs.ts';
import { table } from '#store/connections.ts';
import { checkCreate } from '#store/patterns/create.ts';

export const handler = endpoint(routes.validateConnection, async ({ path }, event) => {
  try {
    const body = readJsonBody(event, ENDPOINTS.validateConnection.body) as CreateConnectionInput;
    await checkCreate(table, { scope: path, input: body });
    return json(200, { valid: true });
  } catch (error) {
    const problem = problemOf(error);
    if (!problem || problem.status >= 500) throw error;
    return json(200, { valid: false, problem: problemDocument(problem, event.requestContext?.requestId) });
  }
});
