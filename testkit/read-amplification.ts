/**
 * Read amplification: what one page of 50 reads (ScannedCount) against what it returns (Count),
 * and what it costs in capacity, for each list filter, in a small and a large environment, with
 * every connection live and with half of them soft-deleted.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Scope } from '#model/vocabulary.ts';
import { ConnectionRepository } from '#store/repository.ts';
import type { ListConnectionsQuery } from '#model/inputs.ts';
import { attachMeter, sumCapacity } from './meter.ts';
import { generateConnections, HOT_INSTANCE, seedConnections } from './seed.ts';

export const PAGE = 50;

export interface ListCase {
  readonly name: string;
  /** A key condition does all the filtering: the budget is ScannedCount = Count. */
  readonly keyCovered: boolean;
  readonly list: (repo: ConnectionRepository, scope: Scope) => Promise<{ items: unknown[] }>;
}

const list = (query: ListConnectionsQuery) => (repo: ConnectionRepository, scope: Scope) =>
  repo.list({ scope, query: { ...query, limit: PAGE } });

export const LIST_CASES: readonly ListCase[] = [
  { name: 'no filter', keyCovered: true, list: list({}) },
  { name: 'sourceResourceType', keyCovered: true, list: list({ sourceResourceType: 'application' }) },
  {
    name: 'source type+id',
    keyCovered: true,
    list: list({ sourceResourceType: 'instance', sourceResourceId: HOT_INSTANCE }),
  },
  { name: 'targetResourceType', keyCovered: true, list: list({ targetResourceType: 'instance' }) },
  {
    name: 'target type+id',
    keyCovered: true,
    list: list({ targetResourceType: 'instance', targetResourceId: HOT_INSTANCE }),
  },
  { name: 'status', keyCovered: true, list: list({ status: 'connected' }) },
  {
    name: 'resource connections',
    keyCovered: true,
    list: (repo, scope) =>
      repo.listForResource({ scope, resource: { type: 'instance', id: HOT_INSTANCE }, query: { limit: PAGE } }),
  },
  { name: 'includeDeleted', keyCovered: true, list: list({ includeDeleted: true }) },
  // Combinations: the key takes one filter, the rest is a filter expression that reads more; how
  // much more depends on how rare the match is (a rare one is here on purpose).
  {
    name: 'sourceResourceType + targetResourceType',
    keyCovered: false,
    list: list({ sourceResourceType: 'instance', targetResourceType: 'database' }),
  },
  {
    name: 'target type+id + status',
    keyCovered: false,
    list: list({ targetResourceType: 'instance', targetResourceId: HOT_INSTANCE, status: 'connected' }),
  },
  {
    name: 'sourceResourceType + status (rare)',
    keyCovered: false,
    list: list({ sourceResourceType: 'application', status: 'failed' }),
  },
];

export interface PageReads {
  readonly queries: number;
  /** Items DynamoDB read (ScannedCount), and of those matched the query (Count), over all Queries. */
  readonly scanned: number;
  readonly count: number;
  /** Items in the page: fewer than Count when parallel streams read ahead of the merge. */
  readonly returned: number;
  /** ScannedCount / Count; 1.0 reads only what it returns. */
  readonly ratio: number;
  readonly capacity: number | undefined;
}

export interface Environment {
  readonly size: number;
  readonly halfDeleted: boolean;
  readonly seedMs: number;
  readonly pages: Record<string, PageReads>;
}

/** Seeds one environment of `size` connections and reads one page of every case from it. */
export async function measureEnvironment(
  seedClient: DynamoDBDocumentClient,
  readClient: DynamoDBDocumentClient,
  tableName: string,
  secret: string,
  size: number,
  halfDeleted: boolean,
  scope: Scope = { projectSlug: 'bench', environmentSlug: `reads-${size}-${halfDeleted ? 'half-deleted' : 'live'}` },
): Promise<Environment> {
  const seedMs = await seedConnections(seedClient, tableName, generateConnections(scope, size, halfDeleted));
  const reads = { scanned: 0, count: 0, queries: 0 };
  const repo = new ConnectionRepository({
    client: readClient,
    tableName,
    pageTokenSecret: secret,
    observeQuery: ({ scannedCount, count }) => {
      reads.scanned += scannedCount;
      reads.count += count;
      reads.queries++;
    },
  });
  const meter = attachMeter(readClient);
  const pages: Record<string, PageReads> = {};
  try {
    for (const c of LIST_CASES) {
      reads.scanned = reads.count = reads.queries = 0;
      meter.reset();
      const { items } = await c.list(repo, scope);
      pages[c.name] = {
        ...reads,
        returned: items.length,
        ratio: reads.count === 0 ? (reads.scanned === 0 ? 1 : Infinity) : reads.scanned / reads.count,
        capacity: sumCapacity(meter.calls),
      };
    }
  } finally {
    meter.detach();
  }
  return { size, halfDeleted, seedMs, pages };
}

/** What a page costs: its capacity where DynamoDB reports it, else the items it read. */
export const pageCost = (reads: PageReads): number => reads.capacity ?? reads.scanned;
