/** What every access pattern works with: the client, the table, and the consistent read they all send. */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeadlineDefaults } from '#model/vocabulary.ts';
import type { QueryObserver } from '../listing.ts';

export interface StoreTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Seals paging tokens. */
  readonly pageTokenSecret: string;
  /** Sees the figures of every Query (the benchmarks' read-amplification budget). */
  readonly observeQuery?: QueryObserver | undefined;
  /** How long one cascade request may work before it answers `complete: false`. @default 20 s */
  readonly cascadeTimeBudgetMs?: number | undefined;
  /** Seconds from entering pending or connecting to its deadline. @default DEFAULT_DEADLINE_SECONDS */
  readonly deadlines?: DeadlineDefaults | undefined;
}

export async function getItem(
  table: StoreTable,
  key: Record<string, string>,
): Promise<Record<string, unknown> | undefined> {
  const out = await table.client.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }));
  return out.Item;
}
