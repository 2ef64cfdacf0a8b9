/**
 * What shards cost a list: for each key-covered filter, at 1, 2, 8 and 32 shards, items examined
 * per item answered on the first page and over every page to the end (the read amplification of
 * a listing: a token carries positions only, so what a page read past its end is read again by the
 * next), the Queries and rounds of parallel Queries per page. Seeded like the read-amplification
 * section (testkit/seed.ts): 1,000 connections, half soft-deleted, at the given shard count.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ListConnectionsQuery } from '#model/inputs.ts';
import type { Scope } from '#model/vocabulary.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { attachMeter, roundsOf } from '../testkit/meter.ts';
import { generateConnections, HOT_INSTANCE, seedConnections } from '../testkit/seed.ts';

export interface ShardedRead {
  readonly shards: number;
  readonly filter: string;
  readonly limit: number;
  readonly firstPage: number;
  readonly allPages: number;
  readonly pages: number;
  readonly queriesPerPage: number;
  readonly maxRounds: number;
  readonly meanRounds: number;
}

export const SHARD_COUNTS = [1, 2, 8, 32] as const;

type Read = (
  repo: ConnectionRepository,
  scope: Scope,
  limit: number,
  nextToken: string | undefined,
) => Promise<{ items: unknown[]; nextToken: string | null }>;

const list =
  (query: ListConnectionsQuery): Read =>
  (repo, scope, limit, nextToken) =>
    repo.list({ scope, query: { ...query, limit, nextToken } });

const READS: readonly [string, Read][] = [
  ['no filter', list({})],
  ['sourceResourceType', list({ sourceResourceType: 'application' })],
  ['source type+id', list({ sourceResourceType: 'instance', sourceResourceId: HOT_INSTANCE })],
  ['targetResourceType', list({ targetResourceType: 'instance' })],
  ['target type+id', list({ targetResourceType: 'instance', targetResourceId: HOT_INSTANCE })],
  ['status', list({ status: 'connected' })],
  ['includeDeleted', list({ includeDeleted: true })],
  [
    'resource connections',
    (repo, scope, limit, nextToken) =>
      repo.listForResource({ scope, resource: { type: 'instance', id: HOT_INSTANCE }, query: { limit, nextToken } }),
  ],
  [
    'graph pages (includeDeleted)',
    async (repo, scope, limit, nextToken) => {
      const graph = await repo.graph({ scope, query: { includeDeleted: true, limit, nextToken } });
      return { items: graph.edges, nextToken: graph.nextToken };
    },
  ],
];

export async function measureShardedReads(
  client: DynamoDBDocumentClient,
  tableName: string,
  secret: string,
  { size = 1000, limits = [50] }: { size?: number; limits?: readonly number[] } = {},
): Promise<ShardedRead[]> {
  const reads = { examined: 0 };
  const repo = new ConnectionRepository({
    client,
    tableName,
    pageTokenSecret: secret,
    observeQuery: ({ scannedCount }) => (reads.examined += scannedCount),
  });
  const meter = attachMeter(client);
  const results: ShardedRead[] = [];
  try {
    for (const shards of SHARD_COUNTS) {
      const scope: Scope = { projectSlug: 'bench', environmentSlug: `sharded-reads-${size}-${shards}` };
      await seedConnections(client, tableName, generateConnections(scope, size, true), { shardCount: shards });
      await repo.storeTable.shards.state(scope);
      for (const limit of limits) {
        for (const [filter, read] of READS) {
          reads.examined = 0;
          let firstPage = 0;
          let answered = 0;
          let queries = 0;
          const rounds: number[] = [];
          let nextToken: string | undefined;
          do {
            meter.reset();
            const page = await read(repo, scope, filter.startsWith('graph') ? limit * 10 : limit, nextToken);
            const sent = meter.calls.filter((c) => c.operation === 'Query');
            queries += sent.length;
            rounds.push(roundsOf(sent));
            if (rounds.length === 1) firstPage = reads.examined / Math.max(1, page.items.length);
            answered += page.items.length;
            nextToken = page.nextToken ?? undefined;
          } while (nextToken);
          results.push({
            shards,
            filter,
            limit: filter.startsWith('graph') ? limit * 10 : limit,
            firstPage,
            allPages: reads.examined / Math.max(1, answered),
            pages: rounds.length,
            queriesPerPage: queries / rounds.length,
            maxRounds: Math.max(...rounds),
            meanRounds: rounds.reduce((a, b) => a + b, 0) / rounds.length,
          });
        }
      }
    }
  } finally {
    meter.detach();
  }
  return results;
}
