/**
 * The one route table. Plain data: the CDK app imports it without pulling in runtime code.
 *
 * From an entry here, with nothing more to write: the CDK stack makes its function, its API route,
 * its alarms; the local server dispatches to it; the OpenAPI document lists it; the bundle budget
 * and benchmark (testkit/esbuild.ts) build it.
 *
 * What a new route needs besides, each a type error until written (tables keyed by RouteId):
 * 1. functions/handlers/<handler>.ts, exporting `handler` (built with `endpoint(id, …)`);
 * 2. functions/http/endpoints.ts `ENDPOINTS`: its path, query and body schemas (schemas.ts);
 * 3. functions/docs/endpoint-docs.ts `ENDPOINT_DOCS`: its success and error answers
 *    (response-schemas.ts);
 * 4. lib/data-access.ts `DATA_ACCESS`: the DynamoDB actions and indexes its code uses;
 * 5. test/infra/permissions.test.ts `EXPECTED` and test/api/authorization-matrix.test.ts `MATRIX`;
 * and, by hand: the contract (../shared/api-contract.md) and the README's usage section.
 */
/** ANY only with the catch-all `$default` route. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'ANY';

export interface Route {
  /** Names the function and the OpenAPI operationId. */
  readonly id: string;
  readonly method: HttpMethod;
  /** API Gateway path syntax: `{name}` matches one segment; `$default` matches what no other route does. */
  readonly path: string;
  /** The handler module under functions/handlers/, exporting `handler`. */
  readonly handler: string;
  /** The token scope the route needs; null for the public service routes. */
  readonly scope: 'connections:read' | 'connections:write' | null;
  /** Whether the function writes to the table: least privilege follows from it. */
  readonly access: 'none' | 'read' | 'write';
  readonly summary: string;
  /** Seconds the function may run (under API Gateway's 30 s). @default 10 */
  readonly timeoutSeconds?: number;
  /** A page under web/ whose built files the function serves: built beside its bundle (web/<page>/build.ts). */
  readonly webPage?: 'topology';
}

const BASE = '/api/{projectSlug}/{environmentSlug}';

export const ROUTES = [
  {
    id: 'createConnection',
    method: 'POST',
    path: `${BASE}/resource-connections`,
    handler: 'create-connection',
    scope: 'connections:write',
    access: 'write',
    summary: 'Create a connection between two resources',
  },
  {
    id: 'listConnections',
    method: 'GET',
    path: `${BASE}/resource-connections`,
    handler: 'list-connections',
    scope: 'connections:read',
    access: 'read',
    summary: 'List the connections of a project environment',
  },
  {
    id: 'getConnection',
    method: 'GET',
    path: `${BASE}/resource-connections/{connectionId}`,
    handler: 'get-connection',
    scope: 'connections:read',
    access: 'read',
    summary: 'Get one connection',
  },
  {
    id: 'updateConnection',
    method: 'PATCH',
    path: `${BASE}/resource-connections/{connectionId}`,
    handler: 'update-connection',
    scope: 'connections:write',
    access: 'write',
    summary: 'Update the status, status reason or details of a connection',
  },
  {
    id: 'deleteConnection',
    method: 'DELETE',
    path: `${BASE}/resource-connections/{connectionId}`,
    handler: 'delete-connection',
    scope: 'connections:write',
    access: 'write',
    summary: 'Soft-delete a connection',
  },
  {
    id: 'listResourceConnections',
    method: 'GET',
    path: `${BASE}/resources/{resourceType}/{resourceId}/connections`,
    handler: 'list-resource-connections',
    scope: 'connections:read',
    access: 'read',
    summary: 'List every connection in which a resource is the source or the target',
  },
  {
    id: 'validateConnection',
    method: 'POST',
    path: `${BASE}/resource-connections/validate`,
    handler: 'validate-connection',
    scope: 'connections:read',
    access: 'read',
    summary: 'Run every check a create would run, writing nothing',
  },
  {
    id: 'getConnectionHistory',
    method: 'GET',
    path: `${BASE}/resource-connections/{connectionId}/history`,
    handler: 'get-connection-history',
    scope: 'connections:read',
    access: 'read',
    summary: 'Every change of a connection, oldest first',
  },
  {
    id: 'restoreConnection',
    method: 'POST',
    path: `${BASE}/resource-connections/{connectionId}/restore`,
    handler: 'restore-connection',
    scope: 'connections:write',
    access: 'write',
    summary: 'Undo a soft delete; the connection returns as pending',
  },
  {
    id: 'deleteResourceConnections',
    method: 'DELETE',
    path: `${BASE}/resources/{resourceType}/{resourceId}/connections`,
    handler: 'delete-resource-connections',
    scope: 'connections:write',
    access: 'write',
    summary: 'Soft-delete every live connection of a resource (when the resource itself is deleted)',
    // Thousands of connections, a bounded batch at a time; a repeat finishes an interrupted run.
    timeoutSeconds: 29,
  },
  {
    id: 'getGraph',
    method: 'GET',
    path: `${BASE}/graph`,
    handler: 'get-graph',
    scope: 'connections:read',
    access: 'read',
    summary: 'The environment as nodes and edges: a page of it, or the neighbourhood of one resource',
  },
  {
    id: 'getHealth',
    method: 'GET',
    path: '/health',
    handler: 'health',
    scope: null,
    access: 'none',
    summary: 'Liveness check',
  },
  {
    id: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    handler: 'openapi',
    scope: null,
    access: 'none',
    summary: 'The OpenAPI 3.1 document of this API',
  },
  {
    id: 'getConnectionRules',
    method: 'GET',
    path: '/connection-rules',
    handler: 'connection-rules',
    scope: null,
    access: 'none',
    summary: 'The connection rules and status transitions the service enforces',
  },
  {
    id: 'getTopology',
    method: 'GET',
    path: '/topology',
    handler: 'topology',
    scope: null,
    access: 'none',
    summary: "A page that draws an environment's connections (it calls the graph route with the user's token)",
    webPage: 'topology',
  },
  {
    id: 'getTopologyAsset',
    method: 'GET',
    path: '/topology/{asset}',
    handler: 'topology-asset',
    scope: null,
    access: 'none',
    summary: "The topology page's script, layout worker and style sheet",
    webPage: 'topology',
  },
  {
    id: 'notFound',
    method: 'ANY',
    path: '$default',
    handler: 'not-found',
    scope: null,
    access: 'none',
    summary: 'Any method and path no other route matches: 404 as problem+json',
  },
] as const satisfies readonly Route[];

export type RouteId = (typeof ROUTES)[number]['id'];

/** The route key API Gateway knows the route by: `METHOD /path`, or `$default` for the catch-all. */
export const routeKey = (route: Route): string =>
  route.method === 'ANY' ? route.path : `${route.method} ${route.path}`;

export function routeById(id: RouteId): Route {
  return ROUTES.find((route) => route.id === id)!;
}
