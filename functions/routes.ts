/**
 * The one route table. Plain data: the CDK app imports it without pulling in runtime code.
 *
 * From an entry here, with nothing more to write: the CDK stack makes its function, its API route,
 * its alarms; the local server dispatches to it; the OpenAPI document lists it; the bundle tests
 * and the benchmark (testkit/esbuild.ts) build it.
 *
 * Each entry also says what its function may do to the table (`data`): lib/ turns that into the
 * function's IAM policy and environment, and nothing else grants a function anything.
 *
 * Each entry is a constant of its own in route-table/ (data-routes.ts, service-routes.ts; their
 * shape in shape.ts, the grants they share in access.ts), listed in ROUTES here, and written as
 * plain literals (no spread, no template): a handler passes its entry to `endpoint`, and its bundle
 * keeps that entry alone.
 *
 * What a new route needs besides (tables keyed by RouteId: a type error in their file until written):
 * 1. functions/handlers/<handler>.ts, exporting `handler` (built with `endpoint(routes.<id>, …)`);
 * 2. functions/http/endpoints.ts `ENDPOINTS`: its path, query and body schemas (model/inputs.ts);
 * 3. functions/docs/endpoint-docs.ts `ENDPOINT_DOCS`: its success and error answers
 *    (model/representations.ts, docs/problem-schemas.ts);
 * and its row in the Routes table of docs/api.md (test/unit/routes.test.ts reads it), then
 * `npm run client:types` (test/unit/client-types.test.ts names it when the client is stale).
 * The tests and benchmarks derive the rest: the authorization matrix from its path, scope and
 * documented success; the bundle's access patterns from its handler's imports; the cold-start
 * bench's request from its path (a route other than GET fails there, naming the file).
 *
 * The one function that runs on a schedule rather than for a route, the deadline sweep, is stated
 * the same way (`DEADLINE_SWEEP`, route-table/deadline-sweep.ts): lib/deadline-sweep.ts makes its
 * function, schedule and alarms from it, and the local server runs its handler on a timer.
 */
import type { Route } from './route-table/shape.ts';
import {
  createConnection,
  listConnections,
  getConnection,
  updateConnection,
  deleteConnection,
  listResourceConnections,
  validateConnection,
  getConnectionHistory,
  restoreConnection,
  deleteResourceConnections,
  getGraph,
} from './route-table/data-routes.ts';
import {
  getHealth,
  getOpenApi,
  getConnectionRules,
  getRealtime,
  getTopology,
  getTopologyAsset,
  notFound,
} from './route-table/service-routes.ts';

export * from './route-table/data-routes.ts';
export * from './route-table/service-routes.ts';
export { DEADLINE_SWEEP } from './route-table/deadline-sweep.ts';

/** Every route: the stack, the local server and the OpenAPI document go through this list. */
export const ROUTES = [
  createConnection,
  listConnections,
  getConnection,
  updateConnection,
  deleteConnection,
  listResourceConnections,
  validateConnection,
  getConnectionHistory,
  restoreConnection,
  deleteResourceConnections,
  getGraph,
  getHealth,
  getOpenApi,
  getConnectionRules,
  getRealtime,
  getTopology,
  getTopologyAsset,
  notFound,
] as const;

export type RouteId = (typeof ROUTES)[number]['id'];

export function routeById(id: RouteId): Route {
  return ROUTES.find((route) => route.id === id)!;
}
