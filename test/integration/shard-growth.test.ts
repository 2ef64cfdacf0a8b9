/**
 * An environment's shards grow while it is written and read (store/shards.ts), against DynamoDB
 * Local. Writers (each a function of its own, with its own cached count) create connections and
 * change existing ones, so entries move to their new shards; readers page through lists and the
 * graph at the same time. Every page is in order with no connection twice, and every connection
 * that existed before a listing began and was not written during it is listed exactly once. The
 * count doubles past the size per shard, and when DynamoDB throttles the environment's writes.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Connection } from '#model/representations.ts';
import type { ListConnectionsQuery } from '#model/inputs.ts';
import type { Scope } from '#model/vocabulary.ts';
import { createDocumentClient } from '#store/client.ts';
import { keys } from '#store/keys.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { DEFAULT_LAYOUT, type Layout } from '#store/table-definition.ts';
import { attachPartitionModel } from '../../testkit/partition-model.ts';
import { client, freshScope, pageTokenSecret, tableName } from '../support/integration.ts';

/**
 * Grows every 8 live connections per shard. A count is trusted for 1 s, so a reader may read under
 * the old count for that long after a growth; writers switch 2 s after it (a page here takes far less).
 */
const LAYOUT: Layout = { ...DEFAULT_LAYOUT, shards: { max: 32, growthConnections: 8 } };
const TIMING = { cacheMs: 1000, readWindowMs: 1000 };
/** A function of its own: its own client and its own cached shard count. */
const aFunction = (layout = LAYOUT) =>
  new ConnectionRepository({
    client: createDocumentClient(process.env.DYNAMODB_ENDPOINT),
    tableName,
    pageTokenSecret,
    layout,
    shardTiming: TIMING,
  });

async function shardCount(scope: Scope): Promise<number> {
  const out = await client.send(
    new GetCommand({ TableName: tableName, Key: keys.shards(scope), ConsistentRead: true }),
  );
  return out.Item ? Number(out.Item.shardCount) : 1;
}

const pair = (n: number) => ({
  sourceResourceType: 'application' as const,
  sourceResourceId: `app-${n % 37}`,
  targetResourceType: 'instance' as const,
  targetResourceId: `i-${n}`,
});

/** Every page of a list; the ids as they came, and the keys they are ordered by (a type filter: resource id, then id). */
async function listAll(
  repo: ConnectionRepository,
  scope: Scope,
  query: ListConnectionsQuery,
): Promise<{ ids: string[]; order: string[] }> {
  const listed: Connection[] = [];
  let nextToken: string | undefined;
  do {
    const page = await repo.list({ scope, query: { ...query, limit: 7, nextToken } });
    listed.push(...page.items);
    nextToken = page.nextToken ?? undefined;
  } while (nextToken);
  const byResource = query.sourceResourceType !== undefined && query.sourceResourceId === undefined;
  return {
    ids: listed.map((c) => c.id),
    order: listed.map((c) => (byResource ? `${c.sourceResourceId}#${c.id}` : c.id)),
  };
}

const QUERIES: readonly [string, ListConnectionsQuery][] = [
  ['no filter', {}],
  ['status', { status: 'pending' }],
  ['source type', { sourceResourceType: 'application' }],
  ['source resource', { sourceResourceType: 'application', sourceResourceId: 'app-3' }],
  ['includeDeleted', { includeDeleted: true }],
];

describe('an environment that grows under concurrent writers and readers', () => {
  it('lists every connection once, in order, before, during and after its growth', { timeout: 180_000 }, async () => {
    const scope = freshScope();
    const seedWriter = aFunction();
    // A first set, all moved to `connecting` later: these are the ones the writers move between shards.
    const moving: Connection[] = [];
    for (let n = 0; n < 20; n++)
      moving.push((await seedWriter.create({ scope, input: pair(n), actor: 'w' })).connection);

    const stable = new Map<string, Connection>();
    let writing = true;
    let listings = 0;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      const repo = aFunction();
      for (let n = 1000 + w; writing; n += 4) {
        const { connection } = await repo.create({ scope, input: pair(n), actor: 'w' });
        stable.set(connection.id, connection);
        const next = moving[n % moving.length]!;
        await repo.update({ scope, id: next.id, patch: { details: { n } }, actor: 'w' });
      }
    });
    const readers = Array.from({ length: 3 }, async (_, r) => {
      const repo = aFunction();
      const failures: string[] = [];
      while (writing) {
        const [name, query] = QUERIES[r % QUERIES.length]!;
        // What existed before this listing began and is never written again: listed exactly once.
        const before = [...stable.values()].filter((c) => !query.sourceResourceId || c.sourceResourceId === 'app-3');
        const { ids, order } = await listAll(repo, scope, query);
        if (new Set(ids).size !== ids.length) failures.push(`${name}: an id twice`);
        if ([...order].sort().join() !== order.join()) failures.push(`${name}: out of order`);
        const listed = new Set(ids);
        if (!before.every((c) => listed.has(c.id))) failures.push(`${name}: one missed`);
        listings++;
      }
      return failures;
    });

    // Until the environment has grown three times (8 shards), at least 6 s.
    const started = Date.now();
    while ((await shardCount(scope)) < 8 || Date.now() - started < 6000) {
      if (Date.now() - started > 120_000) throw new Error('the environment did not grow');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    writing = false;
    await Promise.all(writers);
    const failures = (await Promise.all(readers)).flat();

    expect(failures).toEqual([]);
    // The readers listed while the environment grew, not only before or after it.
    expect(listings).toBeGreaterThanOrEqual(3);
    // Settled: every list answers exactly what is stored, whatever its shards.
    await new Promise((resolve) => setTimeout(resolve, TIMING.cacheMs));
    const reader = aFunction();
    const all = [...moving, ...stable.values()].map((c) => c.id).sort();
    expect((await listAll(reader, scope, {})).ids).toEqual(all);
    expect(
      (await listAll(reader, scope, { sourceResourceType: 'application', sourceResourceId: 'app-3' })).ids,
    ).toEqual(
      [...moving, ...stable.values()]
        .filter((c) => c.sourceResourceId === 'app-3')
        .map((c) => c.id)
        .sort(),
    );
    const resource = await reader.listForResource({
      scope,
      resource: { type: 'application', id: 'app-5' },
      query: { limit: 100 },
    });
    expect(resource.items.map((c) => c.id)).toEqual(
      [...moving, ...stable.values()]
        .filter((c) => c.sourceResourceId === 'app-5')
        .map((c) => c.id)
        .sort(),
    );
    const graphIds: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await reader.graph({ scope, query: { limit: 11, nextToken } });
      graphIds.push(...page.edges.map((e) => e.id));
      nextToken = page.nextToken ?? undefined;
    } while (nextToken);
    expect(graphIds).toEqual(all);
  });

  it('keeps a page token made before a growth valid after it, missing nothing and repeating nothing', async () => {
    const scope = freshScope();
    const repo = aFunction();
    const made: string[] = [];
    for (let n = 0; n < 30; n++) made.push((await repo.create({ scope, input: pair(n), actor: 'w' })).connection.id);
    const before = await shardCount(scope);
    const first = await aFunction().list({ scope, query: { limit: 5 } });

    // More creates: the environment grows, and writers move to its new shards.
    for (let n = 30; n < 80; n++) made.push((await repo.create({ scope, input: pair(n), actor: 'w' })).connection.id);
    await new Promise((resolve) => setTimeout(resolve, TIMING.cacheMs + TIMING.readWindowMs));
    for (let n = 80; n < 100; n++) made.push((await repo.create({ scope, input: pair(n), actor: 'w' })).connection.id);
    expect(await shardCount(scope)).toBeGreaterThan(before);

    const rest: string[] = [];
    let nextToken = first.nextToken ?? undefined;
    while (nextToken) {
      const page = await aFunction().list({ scope, query: { limit: 9, nextToken } });
      rest.push(...page.items.map((c) => c.id));
      nextToken = page.nextToken ?? undefined;
    }
    expect([...first.items.map((c) => c.id), ...rest]).toEqual(made.sort());
  });
});

describe('readers switch before writers', () => {
  it('a writer keeps the old count until every reader may have read the new one; a stale reader misses nothing', async () => {
    const scope = freshScope();
    const timing = { cacheMs: 5000, readWindowMs: 1000 };
    const layout: Layout = { ...DEFAULT_LAYOUT, shards: { max: 32, growthConnections: 1000 } };
    const own = () =>
      new ConnectionRepository({
        client: createDocumentClient(process.env.DYNAMODB_ENDPOINT),
        tableName,
        pageTokenSecret,
        layout,
        shardTiming: timing,
      });
    const reader = own();
    const writer = own();
    expect((await reader.list({ scope, query: {} })).items).toEqual([]); // the reader has the count: 1
    const grownAt = Date.now();
    await writer.storeTable.shards.grow(scope, { count: 1, writersFrom: 0 });
    expect(await shardCount(scope)).toBe(2);

    // Before the writers may switch: every entry still goes where a reader of one shard looks.
    const early: string[] = [];
    for (let n = 0; n < 8; n++) early.push((await writer.create({ scope, input: pair(n), actor: 'w' })).connection.id);
    expect(Date.now() - grownAt).toBeLessThan(timing.cacheMs + timing.readWindowMs);
    for (const id of early) {
      const item = await client.send(new GetCommand({ TableName: tableName, Key: keys.connection(scope, id) }));
      expect(item.Item!.gsi4pk).toMatch(/#00$/);
    }
    expect((await reader.list({ scope, query: { limit: 100 } })).items.map((c) => c.id)).toEqual(early);

    // After: writers use both shards, and the reader (its count long expired) reads both.
    await new Promise((resolve) => setTimeout(resolve, grownAt + timing.cacheMs + timing.readWindowMs - Date.now()));
    const late: string[] = [];
    for (let n = 8; n < 40; n++) late.push((await writer.create({ scope, input: pair(n), actor: 'w' })).connection.id);
    const shards = await Promise.all(
      late.map(
        async (id) =>
          (await client.send(new GetCommand({ TableName: tableName, Key: keys.connection(scope, id) }))).Item!.gsi4pk,
      ),
    );
    expect(new Set(shards.map((pk) => String(pk).slice(-2)))).toEqual(new Set(['00', '01']));
    expect((await reader.list({ scope, query: { limit: 100 } })).items.map((c) => c.id)).toEqual([...early, ...late]);
  });
});

describe('what makes an environment grow', () => {
  it('doubles its shards past the live connections per shard, never past the most, never fewer', async () => {
    const scope = freshScope();
    const repo = aFunction({ ...LAYOUT, shards: { max: 2, growthConnections: 8 } });

    for (let n = 0; n < 8; n++) await repo.create({ scope, input: pair(n), actor: 'w' });
    expect(await shardCount(scope)).toBe(1);
    for (let n = 8; n < 40; n++) await repo.create({ scope, input: pair(n), actor: 'w' });
    expect(await shardCount(scope)).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, TIMING.cacheMs + TIMING.readWindowMs));
    for (let n = 40; n < 80; n++) await repo.create({ scope, input: pair(n), actor: 'w' });
    // At the most it may have.
    expect(await shardCount(scope)).toBe(2);
  });

  it('doubles its shards when DynamoDB throttles its writes, even when small', async () => {
    const scope = freshScope();
    const throttled = createDocumentClient(process.env.DYNAMODB_ENDPOINT);
    const repo = new ConnectionRepository({
      client: throttled,
      tableName,
      pageTokenSecret,
      layout: { ...DEFAULT_LAYOUT, shards: { max: 32, growthConnections: 1000 } },
      shardTiming: TIMING,
    });
    const model = attachPartitionModel(throttled, { projection: 'ALL', writeUnitsPerSecond: 5 });
    try {
      await Promise.allSettled(
        Array.from({ length: 40 }, (_, n) => repo.create({ scope, input: pair(n), actor: 'w' })),
      );

      expect(model.charges.some((c) => c.throttled)).toBe(true);
      expect(await shardCount(scope)).toBe(2);
    } finally {
      model.detach();
    }
  });
});
