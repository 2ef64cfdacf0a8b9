/** GET /connection-rules: the rules the service enforces, read from the same tables the code uses. */
import { endpoint, json } from '#http/http.ts';
import * as routes from '../routes.ts';
import { CONNECTION_RULES, STATUS_TRANSITIONS } from '#domain/rules.ts';
import { RESOURCE_TYPES } from '#model/vocabulary.ts';

const body = { resourceTypes: RESOURCE_TYPES, rules: CONNECTION_RULES, statusTransitions: STATUS_TRANSITIONS };

export const handler = endpoint(routes.getConnectionRules, async () =>
  json(200, body, { 'cache-control': 'public, max-age=300' }),
);
