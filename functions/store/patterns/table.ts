/** What every access pattern works with: the client, the table, and the consistent read they all send. */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeadlineDefaults, RetentionDays } from '#model/vocabulary.ts';
import type { QueryObserver } from '../listing.ts';
import type { Layout } from '../table-definition.ts';
import type { WriteBudget } from '../transactions.ts';
import { retriedByStore } from '../database-errors.ts';

export interface StoreTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Seals paging tokens; only a function that pages is given it (functions/routes.ts). */
  readonly pageTokenSecret?: string | undefined;
  /** Shards and where details go; the table definition's unless a benchmark compares layouts. */
  readonly layout: Layout;
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
