/**
 * Seeds an environment with many connections, fast: the connection items only (lists read nothing
 * else), written with BatchWriteItem, several batches in flight. A fixed-seed generator gives every
 * run the same realistic spread of pairs, ids and statuses; every other connection can be seeded
 * soft-deleted, which puts it in the DELETED index partitions as a real delete does.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import { storedItems } from '#store/connection-item.ts';
import { keys } from '#store/keys.ts';
import { DEFAULT_LAYOUT, type Layout } from '#store/table-definition.ts';
import type { Connection } from '#model/representations.ts';
import type { Scope, ResourceType, Status } from '#model/vocabulary.ts';

/** The busy resources the filters ask for: each is in a large share of connections at any size. */
export const HOT_INSTANCE = 'i-hot';
export const HOT_APPLICATION = 'app-hot';

const BATCH = 25;
const IN_FLIGHT = 8;

const PAIRS: readonly [ResourceType, ResourceType][] = [
  ['application', 'instance'],
  ['terminal', 'instance'],
  ['instance', 'firewall'],
  ['instance', 'database'],
  ['bucket_explorer', 'storage_bucket'],
  ['bucket_explorer', 'static_website'],
];
/** Most links are up; some are on their way, a few broken. */
const STATUS_WEIGHTS: readonly [Status, number][] = [
  ['connected', 0.5],
  ['pending', 0.2],
  ['connecting', 0.15],
  ['failed', 0.1],
  ['disconnected', 0.05],
];

/** A random number generator that gives the same numbers for a seed on every machine (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateConnections(scope: Scope, count: number, halfDeleted: boolean, seed = 6): Connection[] {
  const rnd = seededRandom(seed);
  const nextId = monotonicFactory(() => rnd());
  const pick = (n: number) => Math.floor(rnd() * n);
  // Many resources of each type, more in a larger environment; half of the links to or from a
  // server (and of an application's) go to one busy resource, so its filters fill pages at any size.
  const idOf = (type: ResourceType): string => {
    if (type === 'instance' && rnd() < 0.5) return HOT_INSTANCE;
    if (type === 'application' && rnd() < 0.5) return HOT_APPLICATION;
    return `${type.replace('_', '-')}-${pick(Math.max(10, count / 20))}`;
  };
  const start = Date.parse('2026-01-01T00:00:00Z');
  return Array.from({ length: count }, (_, i): Connection => {
    const [sourceType, targetType] = PAIRS[pick(PAIRS.length)]!;
    let roll = rnd();
    const status = STATUS_WEIGHTS.find(([, weight]) => (roll -= weight) < 0)?.[0] ?? 'connected';
    const at = new Date(start + i * 1000).toISOString();
    return {
      id: nextId(start + i * 1000),
      ...scope,
      sourceResourceType: sourceType,
      sourceResourceId: idOf(sourceType),
      targetResourceType: targetType,
      targetResourceId: idOf(targetType),
      status,
      statusReason: status === 'failed' ? 'security group rule missing' : null,
      // As if stored before deadlines: none waits in the deadline index, so no sweep touches seeded data.
      statusDeadline: null,
      details: { port: 1024 + pick(60000), seededBy: 'bench' },
      createdAt: at,
      updatedAt: at,
      createdBy: 'bench',
      updatedBy: 'bench',
      version: 1,
      ...(halfDeleted && i % 2 === 1 ? { deletedAt: at } : {}),
    };
  });
}

export interface SeedOptions {
  readonly layout?: Layout;
  /**
   * The shard count of the connections' environments, as if they had grown to it long ago (its
   * writers use it already): the count item is written too. @default 1, a new environment's
   */
  readonly shardCount?: number;
}

/** Writes the connections' items (and details items, for details kept apart); returns how long it took in ms. */
export function seedConnections(
  client: DynamoDBDocumentClient,
  tableName: string,
  connections: readonly Connection[],
  { layout = DEFAULT_LAYOUT, shardCount = 1 }: SeedOptions = {},
): Promise<number> {
  const scopes = new Map(connections.map((c) => [`${c.projectSlug}#${c.environmentSlug}`, c]));
  const counts =
    shardCount === 1
      ? []
      : [...scopes.values()].map((c) => ({ ...keys.shards(c), shardCount, writersFrom: 0, grownAt: c.createdAt }));
  return seedItems(client, tableName, [
    ...counts,
    ...connections.flatMap((c) => storedItems(c, { layout, shardCount })),
  ]);
}

/** Writes the items as they are; returns how long it took in ms. */
export async function seedItems(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const batch = items.slice(next, (next += BATCH));
      let requests = batch.map((Item) => ({ PutRequest: { Item } }));
      // DynamoDB may leave some items unprocessed under load: send them again until none are left.
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
        const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return performance.now() - started;
}

/**
 * A client for seeding: bulk writes to a busy DynamoDB Local may take longer than a function's 2 s.
 * In the region the store's client uses: LocalStack, and DynamoDB Local without -sharedDb, keep
 * each region's tables apart.
 */
export function seedingClient(endpoint: string): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'local',
    maxAttempts: 10,
    requestHandler: { requestTimeout: 60_000 },
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
