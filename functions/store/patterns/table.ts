/** What every access pattern works with: the client, the table, and the consistent reads they all send. */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeadlineDefaults, RetentionDays, Scope } from '#model/vocabulary.ts';
import { keys } from '../keys.ts';
import type { QueryObserver } from '../paging/query-range.ts';
import type { ShardDirectory } from '../shards.ts';
import type { Layout } from '../table-definition.ts';
import type { WriteBudget } from '../transactions.ts';
import { retriedByStore } from '../database-errors.ts';

export interface StoreTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Seals paging tokens; only a function that pages is given it (functions/routes.ts). */
  readonly pageTokenSecret?: string | undefined;
  /** How shards grow and where details go; the table definition's unless a benchmark compares layouts. */
  readonly layout: Layout;
  /** Each environment's shard count, as this function last read it. */
  readonly shards: ShardDirectory;
  /** Sees the figures of every Query (the benchmarks' read-amplification budget). */
  readonly observeQuery?: QueryObserver | undefined;
  /** How long one cascade request may work before it answers `complete: false`. @default 20 s */
  readonly cascadeTimeBudgetMs?: number | undefined;
  /** Seconds from entering pending or connecting to its deadline. @default DEFAULT_DEADLINE_SECONDS */
  readonly deadlines?: DeadlineDefaults | undefined;
  /** When deleted connections and history entries expire. @default DEFAULT_RETENTION_DAYS */
  readonly retention?: RetentionDays | undefined;
}

/** One item, read consistently; a write's reads count against its budget. */
export async function getItem(
  table: StoreTable,
  key: Record<string, string>,
  budget?: WriteBudget,
): Promise<Record<string, unknown> | undefined> {
  const command = new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true });
  const out = await table.client.send(budget ? retriedByStore(command) : command);
  budget?.read(out);
  return out.Item;
}

/**
 * A connection's item and, when its details are kept apart, its details item: one consistent Query
 * of the partition they share, over the sort keys they start with (its history, in the same
 * partition, sorts after them). One round trip whatever the size of the details.
 */
export async function readConnectionItems(
  table: StoreTable,
  scope: Scope,
  id: string,
  budget?: WriteBudget,
): Promise<{ item?: Record<string, unknown>; details?: Record<string, unknown> }> {
  const connection = keys.connection(scope, id);
  const command = new QueryCommand({
    TableName: table.tableName,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
    ExpressionAttributeValues: { ':pk': connection.pk, ':first': connection.sk, ':last': keys.details(scope, id).sk },
    ConsistentRead: true,
  });
  const out = await table.client.send(budget ? retriedByStore(command) : command);
  budget?.read(out);
  const items = out.Items ?? [];
  return {
    item: items.find((item) => item.sk === connection.sk),
    details: items.find((item) => item.sk === keys.details(scope, id).sk),
  };
}
