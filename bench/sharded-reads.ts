/**
 * What the shards cost a list: for each key-covered filter, items examined per item answered on
 * the first page and over every page to the end, the rounds of parallel Queries per page, and the
 * longest token (it carries the rows read ahead of its page). Seeded like the read-amplification
 * section (testkit/seed.ts), 1,000 connections, half soft-deleted, pages of 50 and of 100.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ListConnectionsQuery } from '#model/inputs.ts';
import type { Scope } from '#model/vocabulary.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { attachMeter, roundsOf } from '../testkit/meter.ts';
import { generateConnections, HOT_INSTANCE, seedConnections } from '../testkit/seed.ts';

export interface ShardedRead {
  readonly filter: string;
  readonly limit: number;
  readonly firstPage: number;
  readonly allPages: number;
  readonly pages: number;
  readonly maxRounds: number;
  readonly meanRounds: number;
  readonly maxTokenChars: number;
}

const FILTERS: readonly [string, ListConnectionsQuery][] = [
  ['no filter', {}],
  ['sourceResourceType', { sourceResourceType: 'application' }],
  ['source type+id', { sourceResourceType: 'instance', sourceResourceId: HOT_INSTANCE }],
  ['targetResourceType', { targetResourceType: 'instance' }],
  ['target type+id', { targetResourceType: 'instance', targetResourceId: HOT_INSTANCE }],
  ['status', { status: 'connected' }],
  ['includeDeleted', { includeDeleted: true }],
];

export async function measureShardedReads(
  client: DynamoDBDocumentClient,
  tableName: string,
  secret: string,
  size = 1000,
): Promise<ShardedRead[]> {
  const scope: Scope = { projectSlug: 'bench', environmentSlug: `sharded-reads-${size}` };
  await seedConnections(client, tableName, generateConnections(scope, size, true));
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
    for (const limit of [50, 100]) {
      for (const [filter, query] of FILTERS) {
        reads.examined = 0;
        let firstPage = 0;
        let answered = 0;
        const rounds: number[] = [];
        let maxTokenChars = 0;
        let nextToken: string | undefined;
        do {
          meter.reset();
          const page = await repo.list({ scope, query: { ...query, limit, nextToken } });
          rounds.push(roundsOf(meter.calls.filter((c) => c.operation === 'Query')));
          if (answered === 0) firstPage = reads.examined / Math.max(1, page.items.length);
          answered += page.items.length;
          maxTokenChars = Math.max(maxTokenChars, page.nextToken?.length ?? 0);
          nextToken = page.nextToken ?? undefined;
        } while (nextToken);
        results.push({
          filter,
          limit,
          firstPage,
          allPages: reads.examined / Math.max(1, answered),
          pages: rounds.length,
          maxRounds: Math.max(...rounds),
          meanRounds: rounds.reduce((a, b) => a + b, 0) / rounds.length,
          maxTokenChars,
        });
      }
    }
  } finally {
    meter.detach();
  }
  return results;
}
