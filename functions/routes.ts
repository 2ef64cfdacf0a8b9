/**
 * The one route table. Plain data: the CDK app imports it without pulling in runtime code.
 *
 * From an entry here, with nothing more to write: the CDK stack makes its function, its API route,
 * its alarms; the local server dispatches to it; the OpenAPI document lists it; the bundle budget
 * and benchmark (testkit/esbuild.ts) build it.
 *
 * Each entry also says what its function may do to the table (`data`): lib/ turns that into the
 * function's IAM policy and environment, and nothing else grants a function anything.
 *
 * Each entry is a constant of its own, listed in ROUTES, and written as plain literals (no spread,
 * no template): a handler passes its entry to `endpoint`, and its bundle keeps that entry alone.
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
 * here the same way (`DEADLINE_SWEEP`, at the end): lib/deadline-sweep.ts makes its function,
 * schedule and alarms from it, and the local server runs its handler on a timer.
 */
import type { IndexName } from './store/table-definition.ts';

/**
 * A DynamoDB action on the table's items. A transaction needs no action of its own: IAM checks each
 * operation inside it (Put → PutItem, Delete → DeleteItem, Update → UpdateItem, ConditionCheck →
 * ConditionCheckItem).
 */
export type ItemAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:ConditionCheckItem';

/** What a function may do to the table: least privilege, stated beside the route it serves. */
export interface DataAccess {
  /** Item actions, granted on the table ARN. */
  readonly items: readonly ItemAction[];
  /** Where it Queries: the table itself (a connection's history shares its partition) or named indexes. */
  readonly queries: readonly (IndexName | 'table')[];
  /**
   * Whether it seals or opens page tokens (store/listing.ts): only then is its function given the
   * key that seals them (PAGE_TOKEN_SECRET). test/deployed/synth.test.ts holds each bundle to it.
   */
  readonly pageTokens: boolean;
}

const READS: readonly ItemAction[] = ['dynamodb:GetItem', 'dynamodb:BatchGetItem'];

/** Whether the function may change the table (a read route never may: test/unit/routes.test.ts). */
export const writes = (data: DataAccess): boolean => data.items.some((action) => !READS.includes(action));
/** Whether the function touches the table at all: if not, it gets neither its name nor a grant. */
export const touchesTable = (data: DataAccess): boolean => data.items.length > 0 || data.queries.length > 0;

// Written out, not spread: esbuild keeps any constant whose making might run code, a spread included.
const NOTHING: DataAccess = { items: [], queries: [], pageTokens: false };
const GET: readonly ItemAction[] = ['dynamodb:GetItem'];
/**
 * A page: the environment's shard count (store/shards.ts, a GetItem once in a while), then the
 * details too large for the rows of the page (store/details.ts).
 */
const PAGE: readonly ItemAction[] = ['dynamodb:GetItem', 'dynamodb:BatchGetItem'];
/**
 * Read the connection with its details (a Query of its partition, `table`; a GetItem of its history
 * entry when the two disagree), the shard count and a pair guard's holder (GetItem), then one
 * transaction of Puts; a throttled write doubles the environment's shards (UpdateItem).
 */
const CHANGE: readonly ItemAction[] = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
/** A change that may also Delete: release the pair guard, or a details item whose details became small. */
const CHANGE_AND_RELEASE: readonly ItemAction[] = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:DeleteItem',
  'dynamodb:UpdateItem',
];
/** The cascade: pages with their details (PAGE), then changes that release (CHANGE_AND_RELEASE). */
const CASCADE: readonly ItemAction[] = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:PutItem',
  'dynamodb:DeleteItem',
  'dynamodb:UpdateItem',
];
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
  /** What its function may do to the table, and nothing more. */
  readonly data: DataAccess;
  readonly summary: string;
  /** Seconds the function may run (under API Gateway's 30 s). @default DEFAULT_TIMEOUT_SECONDS */
  readonly timeoutSeconds?: number;
  /** A page under web/ whose built files the function serves: built beside its bundle (web/<page>/build.ts). */
  readonly webPage?: 'topology';
  /** A cap on its function's concurrent executions (reserved concurrency). @default - none: the account's pool */
  readonly concurrency?: ConcurrencyCap;
}

/**
 * A cap a deploy may change: the CDK context key that sets it (`-c <setting>=<n>`, docs/deploy.md
 * lists each), and its value unless given. The stack reserves it for the function.
 */
export interface ConcurrencyCap {
  readonly setting: string;
  readonly default: number;
}

/** A function's timeout unless its route says otherwise. */
export const DEFAULT_TIMEOUT_SECONDS = 10;

export const createConnection = {
  id: 'createConnection',
  method: 'POST',
  path: '/api/{projectSlug}/{environmentSlug}/resource-connections',
  handler: 'create-connection',
  scope: 'connections:write',
  // Puts the connection, its details, pair guard, history and idempotency record; reads the record, the
  // guard and the shard count; one create in many counts the environment in byEnvironment and, past
  // the threshold (or when throttled), doubles its shards (store/shards.ts).
  data: {
    items: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    queries: ['byEnvironment'],
    pageTokens: false,
  },
  summary: 'Create a connection between two resources',
} as const satisfies Route;

export const listConnections = {
  id: 'listConnections',
  method: 'GET',
  path: '/api/{projectSlug}/{environmentSlug}/resource-connections',
  handler: 'list-connections',
  scope: 'connections:read',
  // Query on whichever index the filters choose (paging/list-plans.ts), then the large details of the page's rows.
  data: { items: PAGE, queries: ['bySource', 'byTarget', 'byStatus', 'byEnvironment'], pageTokens: true },
  summary: 'List the connections of a project environment',
} as const satisfies Route;

export const getConnection = {
  id: 'getConnection',
  method: 'GET',
  path: '/api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}',
  handler: 'get-connection',
  scope: 'connections:read',
  // The connection and its details: one Query of their partition; its history entry when they disagree.
  data: { items: GET, queries: ['table'], pageTokens: false },
  summary: 'Get one connection',
} as const satisfies Route;

export const updateConnection = {
  id: 'updateConnection',
  method: 'PATCH',
  path: '/api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}',
  handler: 'update-connection',
  scope: 'connections:write',
  // Puts the new version, its history entry and new large details; deletes details that became small.
  data: { items: CHANGE_AND_RELEASE, queries: ['table'], pageTokens: false },
  summary: 'Update the status, status reason or details of a connection',
} as const satisfies Route;

export const deleteConnection = {
  id: 'deleteConnection',
  method: 'DELETE',
  path: '/api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}',
  handler: 'delete-connection',
  scope: 'connections:write',
  // Puts the deleted version and its history entry, and releases the pair guard.
  data: { items: CHANGE_AND_RELEASE, queries: ['table'], pageTokens: false },
  summary: 'Soft-delete a connection',
} as const satisfies Route;

export const listResourceConnections = {
  id: 'listResourceConnections',
  method: 'GET',
  path: '/api/{projectSlug}/{environmentSlug}/resources/{resourceType}/{resourceId}/connections',
  handler: 'list-resource-connections',
  scope: 'connections:read',
  // A resource's source-side and target-side streams, then the large details of the page's rows.
  data: { items: PAGE, queries: ['bySource', 'byTarget'], pageTokens: true },
  summary: 'List every connection in which a resource is the source or the target',
} as const satisfies Route;

export const validateConnection = {
  id: 'validateConnection',
  method: 'POST',
  path: '/api/{projectSlug}/{environmentSlug}/resource-connections/validate',
  handler: 'validate-connection',
  scope: 'connections:read',
  // Reads the pair guard (and nothing else): it writes nothing.
  data: { items: GET, queries: [], pageTokens: false },
  summary: 'Run every check a create would run, writing nothing',
} as const satisfies Route;

export const getConnectionHistory = {
  id: 'getConnectionHistory',
  method: 'GET',
  path: '/api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}/history',
  handler: 'get-connection-history',
  scope: 'connections:read',
  // The history entries sit in the connection's own partition of the table; the connection says
  // whether it is still kept (a purged one answers 404).
  data: { items: GET, queries: ['table'], pageTokens: true },
  summary: 'Every change of a connection, oldest first',
} as const satisfies Route;

export const restoreConnection = {
  id: 'restoreConnection',
  method: 'POST',
  path: '/api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}/restore',
  handler: 'restore-connection',
  scope: 'connections:write',
  // Claims the pair guard again (a Put); releases nothing.
  data: { items: CHANGE, queries: ['table'], pageTokens: false },
  summary: 'Undo a soft delete; the connection returns as pending',
} as const satisfies Route;

export const deleteResourceConnections = {
  id: 'deleteResourceConnections',
  method: 'DELETE',
  path: '/api/{projectSlug}/{environmentSlug}/resources/{resourceType}/{resourceId}/connections',
  handler: 'delete-resource-connections',
  scope: 'connections:write',
  // Pages through the resource's connections (with their large details) and soft-deletes each,
  // releasing its guard; a connection that changed under it is read again (a Query of its partition).
  data: {
    items: CASCADE,
    queries: ['bySource', 'byTarget', 'table'],
    pageTokens: true,
  },
  summary: 'Soft-delete every live connection of a resource (when the resource itself is deleted)',
  // Thousands of connections, a bounded batch at a time; a repeat finishes an interrupted run.
  timeoutSeconds: 29,
  // Each call works up to 20 s with 25 deletes in flight: capped, a platform deleting many resources
  // at once cannot take the account's concurrency from every other function, nor flood the table.
  concurrency: { setting: 'cascadeConcurrency', default: 10 },
} as const satisfies Route;

export const getGraph = {
  id: 'getGraph',
  method: 'GET',
  path: '/api/{projectSlug}/{environmentSlug}/graph',
  handler: 'get-graph',
  scope: 'connections:read',
  // Pages read byEnvironment or byStatus; a neighbourhood reads each node's bySource and byTarget range;
  // both read the environment's shard count first.
  data: { items: GET, queries: ['bySource', 'byTarget', 'byStatus', 'byEnvironment'], pageTokens: true },
  summary: 'The environment as nodes and edges: a page of it, or the neighbourhood of one resource',
  // A neighbourhood sends up to 256 Queries: capped, a burst of them cannot take the account's
  // concurrency from every other function.
  concurrency: { setting: 'graphConcurrency', default: 10 },
} as const satisfies Route;

export const getHealth = {
  id: 'getHealth',
  method: 'GET',
  path: '/health',
  handler: 'health',
  scope: null,
  data: NOTHING,
  summary: 'Liveness check',
} as const satisfies Route;

export const getOpenApi = {
  id: 'getOpenApi',
  method: 'GET',
  path: '/openapi.json',
  handler: 'openapi',
  scope: null,
  data: NOTHING,
  summary: 'The OpenAPI 3.1 document of this API',
} as const satisfies Route;

export const getConnectionRules = {
  id: 'getConnectionRules',
  method: 'GET',
  path: '/connection-rules',
  handler: 'connection-rules',
  scope: null,
  data: NOTHING,
  summary: 'The connection rules and status transitions the service enforces',
} as const satisfies Route;

export const getRealtime = {
  id: 'getRealtime',
  method: 'GET',
  path: '/realtime',
  handler: 'realtime',
  scope: null,
  data: NOTHING,
  summary: 'Where to watch changes: the real-time (WebSocket) endpoint and how channels are named',
} as const satisfies Route;

export const getTopology = {
  id: 'getTopology',
  method: 'GET',
  path: '/topology',
  handler: 'topology',
  scope: null,
  data: NOTHING,
  summary: "A page that draws an environment's connections (it calls the graph route with the user's token)",
  webPage: 'topology',
} as const satisfies Route;

export const getTopologyAsset = {
  id: 'getTopologyAsset',
  method: 'GET',
  path: '/topology/{asset}',
  handler: 'topology-asset',
  scope: null,
  data: NOTHING,
  summary: "The topology page's script, layout worker and style sheet",
  webPage: 'topology',
} as const satisfies Route;

export const notFound = {
  id: 'notFound',
  method: 'ANY',
  path: '$default',
  handler: 'not-found',
  scope: null,
  data: NOTHING,
  summary: 'Any method and path no other route matches: 404 as problem+json',
} as const satisfies Route;

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

/** The route key API Gateway knows the route by: `METHOD /path`, or `$default` for the catch-all. */
export const routeKey = (route: Route): string =>
  route.method === 'ANY' ? route.path : `${route.method} ${route.path}`;

export function routeById(id: RouteId): Route {
  return ROUTES.find((route) => route.id === id)!;
}

/** Seconds the route's function may run: what the stack deploys, and what tests give a handler. */
export const timeoutSecondsOf = (route: Route): number => route.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;

/** A function the service runs on a schedule, as plain data like a route. */
export interface ScheduledFunction {
  /** Names the function. */
  readonly id: string;
  /** The handler module under functions/handlers/, exporting `handler`. */
  readonly handler: string;
  readonly summary: string;
  /** How often it runs. */
  readonly everyMinutes: number;
  /** Seconds one run may take; the handler stops taking new work well before. */
  readonly timeoutSeconds: number;
  /** What its function may do to the table, and nothing more. */
  readonly data: DataAccess;
  /** Runs at most this many at once (reserved concurrency). */
  readonly concurrency: number;
}

/** The deadline sweep (docs/api.md, Deadlines): at most 2 minutes after a deadline, the connection has failed. */
export const DEADLINE_SWEEP = {
  id: 'sweepDeadlines',
  handler: 'sweep-deadlines',
  summary: 'Moves each connection whose pending or connecting deadline has passed to failed',
  everyMinutes: 1,
  timeoutSeconds: 29,
  // Queries the deadline index; reads each due connection (a Query of its partition), then one
  // transaction of Puts (the failed version and its history entry). It never deletes and never
  // touches a pair guard.
  data: { items: CHANGE, queries: ['byDeadline', 'table'], pageTokens: false },
  // One run at a time: two would race for the same due connections, each losing half its writes.
  concurrency: 1,
  /** The metrics each run publishes, in the service's namespace with its `service` dimension. */
  metrics: {
    /** Connections moved to failed. */
    enforced: 'DeadlinesEnforced',
    /** Due connections a run left for the next one: the backlog alarm watches it. */
    backlog: 'DeadlineBacklog',
    /** How long past its deadline the latest-enforced connection of a run was. */
    lateness: 'DeadlineLatenessSeconds',
  },
} as const satisfies ScheduledFunction & { metrics: Record<string, string> };
