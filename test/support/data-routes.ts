/**
 * What the data routes' handler tests share: the routes with the scope each needs, and the checks
 * of a problem+json answer, of one refused before any database call, and of the fields it names.
 */
import { expect } from 'vitest';
import { handler as createConnection } from '../../functions/handlers/create-connection.ts';
import { handler as deleteConnection } from '../../functions/handlers/delete-connection.ts';
import { handler as getConnection } from '../../functions/handlers/get-connection.ts';
import { handler as listConnections } from '../../functions/handlers/list-connections.ts';
import { handler as listResourceConnections } from '../../functions/handlers/list-resource-connections.ts';
import { handler as updateConnection } from '../../functions/handlers/update-connection.ts';
import { problem as problemSchema } from '../../functions/docs/problem-schemas.ts';
import type { Answer, LambdaHandler, SampleRoute } from '../../testkit/events.ts';
import type { FakeTable } from './fake-table.ts';

export {
  createConnection,
  deleteConnection,
  getConnection,
  listConnections,
  listResourceConnections,
  updateConnection,
};

/** What an answer must never show a caller: stack frames, file names, AWS names, storage keys. */
export const INTERNALS =
  /\bat [\w.<>]+ \(|\.ts:\d+|node_modules|\/var\/task|connections-test|Exception|arn:aws|Error:|gsi\dpk|"pk"/;

export interface RouteCase {
  readonly route: SampleRoute;
  readonly handler: LambdaHandler;
  readonly scope: 'connections:read' | 'connections:write';
}

export const DATA_ROUTES: readonly RouteCase[] = [
  { route: 'getConnection', handler: getConnection, scope: 'connections:read' },
  { route: 'listConnections', handler: listConnections, scope: 'connections:read' },
  { route: 'listResourceConnections', handler: listResourceConnections, scope: 'connections:read' },
  { route: 'createConnection', handler: createConnection, scope: 'connections:write' },
  { route: 'updateConnection', handler: updateConnection, scope: 'connections:write' },
  { route: 'deleteConnection', handler: deleteConnection, scope: 'connections:write' },
];

export function expectProblem(answer: Answer, status: number, code: string, requestId?: string): void {
  expect(answer.statusCode).toBe(status);
  expect(answer.headers['content-type']).toBe('application/problem+json');
  expect(problemSchema.safeParse(answer.body).success).toBe(true);
  expect(answer.body).toMatchObject({ type: 'about:blank', status, code });
  if (requestId !== undefined) expect(answer.body.requestId).toBe(requestId);
  expect(answer.text).not.toMatch(INTERNALS);
}

export function expectRefusedBeforeTheDatabase(table: FakeTable, answer: Answer, status: number, code: string): void {
  expectProblem(answer, status, code);
  expect(table.send).not.toHaveBeenCalled();
}

/** The fields a 400 names, sorted. */
export const errorPaths = (answer: Answer): string[] =>
  (answer.body.errors as { path: string }[]).map((e) => e.path).sort();
