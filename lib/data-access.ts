/**
 * Which DynamoDB actions each route's function may call, and on what. Least privilege follows from
 * the code (functions/store/patterns/ and listing.ts): reads are GetItem, lists are Query on
 * named indexes (or on the table, for a connection's history), and every change is one TransactWriteItems, which IAM checks per operation inside
 * it (Put → PutItem, Delete → DeleteItem, Update → UpdateItem, ConditionCheck → ConditionCheckItem).
 * No route gets Scan, a wildcard action or `index/*`; a route that never deletes gets no DeleteItem.
 */
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Route, RouteId } from '../functions/routes.ts';
import type { IndexName } from '#store/table-definition.ts';
import type { ConnectionsTable } from './connections-table.ts';
import type { ServiceFunction } from './service-function.ts';

export type ItemAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:ConditionCheckItem';

/** Where a route Queries: an index, or the table itself (a connection's history shares its partition). */
export type QueryTarget = IndexName | 'table';

export interface DataAccess {
  /** Item actions, granted on the table ARN. */
  readonly items: readonly ItemAction[];
  /** Query is granted on exactly these: the table ARN and/or named index ARNs. */
  readonly queries: readonly QueryTarget[];
}

const READ: readonly ItemAction[] = ['dynamodb:GetItem'];
/** Details too large for the connection item are read beside it (functions/store/details.ts). */
const DETAILS: readonly ItemAction[] = ['dynamodb:BatchGetItem'];
const READS: readonly ItemAction[] = [...READ, ...DETAILS];
const CHANGE: readonly ItemAction[] = [...READS, 'dynamodb:PutItem'];
const CHANGE_AND_RELEASE: readonly ItemAction[] = [...CHANGE, 'dynamodb:DeleteItem'];
const NOTHING: DataAccess = { items: [], queries: [] };

/** Every route's grants, each said here: a route missing from this table is a type error. */
const DATA_ACCESS = {
  // Puts the connection, its details, pair guard, history and idempotency record; reads the record or the guard.
  createConnection: { items: [...READ, 'dynamodb:PutItem'], queries: [] },
  // Query on whichever index the filters choose (list-plans.ts), then the large details of the page's rows.
  listConnections: { items: DETAILS, queries: ['bySource', 'byTarget', 'byStatus', 'byEnvironment'] },
  getConnection: { items: READS, queries: [] },
  // Puts the new version, its history entry and new large details; deletes details that became small.
  updateConnection: { items: CHANGE_AND_RELEASE, queries: [] },
  // Puts the deleted version and its history entry, and releases the pair guard.
  deleteConnection: { items: CHANGE_AND_RELEASE, queries: [] },
  // A resource's source-side and target-side streams, then the large details of the page's rows.
  listResourceConnections: { items: DETAILS, queries: ['bySource', 'byTarget'] },
  // Reads the pair guard (and nothing else): it writes nothing.
  validateConnection: { items: READ, queries: [] },
  // The history entries sit in the connection's own partition of the table.
  getConnectionHistory: { items: [], queries: ['table'] },
  // Claims the pair guard again (a Put); releases nothing.
  restoreConnection: { items: CHANGE, queries: [] },
  // Pages through the resource's connections and soft-deletes each, releasing its guard.
  deleteResourceConnections: { items: CHANGE_AND_RELEASE, queries: ['bySource', 'byTarget'] },
  // Pages read byEnvironment or byStatus; a neighbourhood reads each node's bySource and byTarget range.
  getGraph: { items: [], queries: ['bySource', 'byTarget', 'byStatus', 'byEnvironment'] },
  getHealth: NOTHING,
  getOpenApi: NOTHING,
  getConnectionRules: NOTHING,
  // The page and its files are built into the function's asset: no table access.
  getTopology: NOTHING,
  getTopologyAsset: NOTHING,
  notFound: NOTHING,
} as const satisfies Record<RouteId, DataAccess>;

export function dataAccessOf(route: Route): DataAccess {
  const access: DataAccess | undefined = DATA_ACCESS[route.id as RouteId];
  // Only a route table passed in from outside (a test) can lack its entry: say where it goes.
  if (access === undefined)
    throw new Error(`Route ${route.id} has no grants: add it to DATA_ACCESS in lib/data-access.ts`);
  const writes = access.items.filter((action) => !READS.includes(action));
  if (route.access !== 'write' && writes.length > 0) {
    throw new Error(`Route ${route.id} is ${route.access}-only but would be granted ${writes.join(', ')}`);
  }
  if (route.access === 'none' && access.queries.length > 0) {
    throw new Error(`Route ${route.id} does not touch the table but would be granted Query`);
  }
  return access;
}

export interface DataBinding {
  readonly table: ConnectionsTable;
  /** The paging-token key, as a value for the environment. */
  readonly pageTokenSecret: string;
  /** For LocalStack-style targets only. @default - the AWS endpoint */
  readonly dynamoDbEndpoint?: string;
}

/**
 * Gives a function what its route needs, and nothing when the route does not touch the table: the
 * environment its configuration reads (functions/store/connections.ts) and the grants, together.
 */
export function bindDataAccess(fn: ServiceFunction, route: Route, data: DataBinding): DataAccess {
  const access = dataAccessOf(route);
  if (route.access === 'none') return access;
  fn.addEnvironment('TABLE_NAME', data.table.table.tableName);
  fn.addEnvironment('PAGE_TOKEN_SECRET', data.pageTokenSecret);
  if (data.dynamoDbEndpoint) fn.addEnvironment('DYNAMODB_ENDPOINT', data.dynamoDbEndpoint);
  if (access.items.length > 0) {
    fn.addToRolePolicy(new PolicyStatement({ actions: [...access.items], resources: [data.table.table.tableArn] }));
  }
  if (access.queries.length > 0) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: access.queries.map((target) =>
          target === 'table' ? data.table.table.tableArn : data.table.indexArn(target),
        ),
      }),
    );
  }
  return access;
}
