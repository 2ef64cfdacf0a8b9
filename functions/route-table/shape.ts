/**
 * What a route of the route table (routes.ts) is: its fields, what its function may do to the
 * table, and the few facts derived from an entry. Plain types and functions: the CDK app loads it.
 */
import type { IndexName } from '../store/table-definition.ts';

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

/** The route key API Gateway knows the route by: `METHOD /path`, or `$default` for the catch-all. */
export const routeKey = (route: Route): string =>
  route.method === 'ANY' ? route.path : `${route.method} ${route.path}`;

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
