/**
 * The store a handler uses, built once per process at module scope (as the Powertools example app
 * builds its document client): the configuration is read when a function starts, and a missing
 * value stops it at once rather than failing on some later request.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, readConfig, type Config } from './client.ts';
import type { StoreTable } from './patterns/table.ts';
import { ShardDirectory } from './shards.ts';
import { TABLE } from './table-definition.ts';

export const config: Config = readConfig();

/** The handlers' one client: benchmarks and tests attach their meters to it. */
export const documentClient: DynamoDBDocumentClient = createDocumentClient(config.dynamoDbEndpoint);

/**
 * The table as the access patterns see it. Each handler calls the one pattern its route needs
 * (patterns/) on it, never the repository, so its bundle carries that pattern and nothing else.
 */
export const table: StoreTable = {
  client: documentClient,
  tableName: config.tableName,
  pageTokenSecret: config.pageTokenSecret,
  cascadeTimeBudgetMs: config.cascadeTimeBudgetMs,
  deadlines: config.deadlines,
  retention: config.retention,
  layout: { shards: config.shardGrowth, inlineDetailsBytes: TABLE.inlineDetailsBytes },
  shards: new ShardDirectory({ client: documentClient, tableName: config.tableName }, config.shardGrowth),
};
