/**
 * Turns what a route's entry says about its data access (functions/routes.ts, `data`) into its
 * function's IAM policy and environment. Nothing here decides a grant: no route gets Scan, a
 * wildcard action or `index/*` unless the route table says so, and the infra tests compare every
 * role with the table.
 */
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { touchesTable, writes, type DataAccess } from '../functions/route-table/shape.ts';
import type { ConnectionsTable } from './connections-table.ts';
import type { ServiceFunction } from './service-function.ts';

export interface DataBinding {
  readonly table: ConnectionsTable;
  /** The paging-token key, as a value for the environment of the functions that page. */
  readonly pageTokenSecret: string;
  /** For LocalStack-style targets only. @default - the AWS endpoint */
  readonly dynamoDbEndpoint?: string;
  /** How environments' shards grow: what a function that writes is told. @default - the store's defaults */
  readonly shardGrowth?: { readonly growthConnections: number; readonly max: number };
}

/**
 * Gives a function what its data access needs, and nothing when it does not touch the table: the
 * environment its configuration reads (functions/store/connections.ts) and the grants, together.
 */
export function bindDataAccess(fn: ServiceFunction, access: DataAccess, data: DataBinding): void {
  if (!touchesTable(access)) return;
  fn.addEnvironment('TABLE_NAME', data.table.table.tableName);
  if (access.pageTokens) fn.addEnvironment('PAGE_TOKEN_SECRET', data.pageTokenSecret);
  if (data.dynamoDbEndpoint) fn.addEnvironment('DYNAMODB_ENDPOINT', data.dynamoDbEndpoint);
  if (data.shardGrowth && writes(access)) {
    // A writer may grow an environment's shards (functions/store/shards.ts); readers only read the count.
    fn.addEnvironment('SHARD_GROWTH_CONNECTIONS', String(data.shardGrowth.growthConnections));
    fn.addEnvironment('MAX_SHARDS', String(data.shardGrowth.max));
  }
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
}
