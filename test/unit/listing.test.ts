/**
 * The one Query builder (listing.ts) against an in-memory index: shard routing and merge order as
 * properties over shard counts 1, 2 and 8, page limits 1-100 (changing between pages) and tokens
 * resumed twice. A merged list answers every match once, in sort-key order, pages full but the
 * last, each request within its budget, and examines every stored item once across its pages; a
 * graph page (`any` order) examines exactly what it answers.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { InvalidNextTokenError } from '#model/errors.ts';
import { MAX_TOKEN_CHARS, queryPage, READ_AHEAD_TTL_MS, type PageRequest, type Stream } from '#store/listing.ts';
import { shardOf } from '#store/keys.ts';
import { fakeIndex, type Item } from '../support/fake-index.ts';

const SECRET = 'listing-unit-secret';
const SHARD_COUNTS = [1, 2, 8] as const;

/** An index of `items` spread over `shards` partitions by `shardKey`, one stream per partition. */
function sharded(
  items: readonly Item[],
  shards: number,
  { index = 'byEnvironment', prefix = '', shardKey = (item: Item) => item.id!, filters = [] } = {} as {
    index?: 'byEnvironment' | 'bySource';
    prefix?: string;
    shardKey?: (item: Item) => string;
    filters?: Stream['filters'];
  },
) {
  const [pk, sk] = index === 'byEnvironment' ? ['gsi4pk', 'gsi4sk'] : ['gsi1pk', 'gsi1sk'];
  const partitions = new Map<string, Item[]>(Array.from({ length: shards }, (_, s) => [`P#${s}`, []]));
  for (const item of items) {
    const partition = `P#${shardOf(shardKey(item), shards)}`;
    partitions.get(partition)!.push({ ...item, [pk]: partition });
  }
  const fake = fakeIndex(partitions, pk, sk);
  const streams: Stream[] = [...partitions.keys()].map((partition) => ({ index, partition, prefix, filters }));
  return { fake, streams, sk };
}

/** Every page to the end, checking each on the way; a token is used twice at `resumeAt` (if any). */
async function readAll(
  setup: ReturnType<typeof sharded>,
  limits: readonly number[],
  { order = 'merged', resumeAt = -1, budget }: { order?: 'merged' | 'any'; resumeAt?: number; budget?: number } = {},
) {
  const source = { client: setup.fake.client, tableName: 't', pageTokenSecret: SECRET };
  const pages: Item[][] = [];
  const examined: number[] = [];
  let nextToken: string | undefined;
  for (let i = 0; ; i++) {
    const request: PageRequest = { limit: limits[i % limits.length]!, nextToken, binding: 'b', order, budget };
    if (i === resumeAt && nextToken) await queryPage(source, setup.streams, request); // read once, then again
    const before = setup.fake.queries.length;
    const page = await queryPage(source, setup.streams, request);
    examined.push(setup.fake.queries.slice(before).reduce((sum, q) => sum + q.scanned, 0));
    pages.push(page.items as Item[]);
    expect(page.items.length).toBeLessThanOrEqual(request.limit);
    if (page.nextToken) expect(page.nextToken.length).toBeLessThanOrEqual(MAX_TOKEN_CHARS);
    nextToken = page.nextToken ?? undefined;
    if (!nextToken) break;
    if (i > 10_000) throw new Error('no end');
  }
  return { pages, examined, ids: pages.flat().map((item) => item.id!) };
}

const ulidLike = (n: number) => `01J${String(n).padStart(8, '0')}`;
const itemsOf = (ids: readonly number[]) => [...new Set(ids)].map((n) => ({ id: ulidLike(n), gsi4sk: ulidLike(n) }));

describe('a list merged over shards', () => {
  it('answers every item once, in sort-key order, pages full but the last, examining each item once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SHARD_COUNTS),
        fc.array(fc.nat(5000), { maxLength: 400 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }),
        fc.nat(6),
        async (shards, ids, limits, resumeAt) => {
          const items = itemsOf(ids);
          const setup = sharded(items, shards);

          const { pages, ids: answered } = await readAll(setup, limits, { resumeAt });

          expect(answered).toEqual(items.map((item) => item.id).sort());
          pages.slice(0, -1).forEach((page, i) => expect(page.length).toBe(limits[i % limits.length]));
          // The read-ahead rows travel in the tokens: nothing is examined twice (the resumed page aside).
          const scanned = setup.fake.queries.reduce((sum, q) => sum + q.scanned, 0);
          if (resumeAt >= pages.length || resumeAt === 0) expect(scanned).toBe(items.length);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('orders a type filter by resource id, then connection id, with each resource in one shard', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SHARD_COUNTS),
        // A few busy resources and many quiet ones, as platforms have.
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 60 })), { maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 3 }),
        async (shards, resources, limits) => {
          let n = 0;
          const items = resources.flatMap(([resource, count]) =>
            Array.from({ length: count }, () => {
              const id = ulidLike(n++);
              const res = `app-${String(resource).padStart(3, '0')}`;
              return { id, res, gsi1sk: `application#${res}#${id}` };
            }),
          );
          const setup = sharded(items, shards, { index: 'bySource', prefix: 'application#', shardKey: (i) => i.res! });

          const { ids: answered } = await readAll(setup, limits);

          expect(answered).toEqual([...items].sort((a, b) => (a.gsi1sk < b.gsi1sk ? -1 : 1)).map((i) => i.id));
          expect(setup.fake.queries.reduce((sum, q) => sum + q.scanned, 0)).toBe(items.length);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('answers what a filter keeps, once each, every request within its budget of examined items', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SHARD_COUNTS),
        fc.array(fc.tuple(fc.nat(3000), fc.constantFrom('pending', 'failed', 'connected')), { maxLength: 300 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 8, max: 120 }),
        async (shards, rows, limit, budget) => {
          const items = [
            ...new Map(rows.map(([n, status]) => [n, { id: ulidLike(n), gsi4sk: ulidLike(n), status }])),
          ].map(([, item]) => item);
          const setup = sharded(items, shards, { filters: [{ attribute: 'status', value: 'failed' }] });

          const { ids: answered, examined } = await readAll(setup, [limit], { budget });

          expect(answered).toEqual(
            items
              .filter((i) => i.status === 'failed')
              .map((i) => i.id)
              .sort(),
          );
          for (const count of examined) expect(count).toBeLessThanOrEqual(budget);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('reads again, rather than answers, rows read ahead more than a minute before', async () => {
    const items = itemsOf(Array.from({ length: 40 }, (_, i) => i * 7));
    const setup = sharded(items, 8);
    const source = { client: setup.fake.client, tableName: 't', pageTokenSecret: SECRET };
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 1), toFake: ['Date'] });
    try {
      const first = await queryPage(source, setup.streams, { limit: 10, nextToken: undefined, binding: 'b' });
      vi.setSystemTime(Date.now() + READ_AHEAD_TTL_MS + 1);
      const before = setup.fake.queries.length;
      const rest: Item[] = [];
      let nextToken = first.nextToken ?? undefined;
      while (nextToken) {
        const page = await queryPage(source, setup.streams, { limit: 10, nextToken, binding: 'b' });
        rest.push(...(page.items as Item[]));
        nextToken = page.nextToken ?? undefined;
      }

      expect([...first.items, ...rest].map((i) => i.id)).toEqual(items.map((i) => i.id));
      // The 30 rows left are all read after the minute, the ones carried among them again.
      expect(setup.fake.queries.slice(before).reduce((sum, q) => sum + q.scanned, 0)).toBe(30);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a token bound to something else, or for other streams', async () => {
    const setup = sharded(itemsOf(Array.from({ length: 30 }, (_, i) => i)), 8);
    const source = { client: setup.fake.client, tableName: 't', pageTokenSecret: SECRET };
    const { nextToken } = await queryPage(source, setup.streams, { limit: 5, nextToken: undefined, binding: 'b' });

    await expect(
      queryPage(source, setup.streams, { limit: 5, nextToken: nextToken!, binding: 'other' }),
    ).rejects.toBeInstanceOf(InvalidNextTokenError);
    await expect(
      queryPage(source, setup.streams.slice(1), { limit: 5, nextToken: nextToken!, binding: 'b' }),
    ).rejects.toBeInstanceOf(InvalidNextTokenError);
  });
});

describe('a graph page over shards (any order)', () => {
  it('answers every item once, pages full but the last, each examining exactly what it answers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SHARD_COUNTS),
        fc.array(fc.nat(5000), { maxLength: 400 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }),
        async (shards, ids, limits) => {
          const items = itemsOf(ids);
          const setup = sharded(items, shards);

          const { pages, examined, ids: answered } = await readAll(setup, limits, { order: 'any' });

          expect([...answered].sort()).toEqual(items.map((item) => item.id).sort());
          pages.slice(0, -1).forEach((page, i) => expect(page.length).toBe(limits[i % limits.length]));
          pages.forEach((page, i) => expect(examined[i]).toBe(page.length));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('uses up the live streams (group 0) before the deleted ones (group 1)', async () => {
    const groups = [itemsOf([1, 2, 3, 4, 5, 6, 7, 8, 9]), itemsOf([10, 11, 12])];
    const partitions = new Map<string, Item[]>();
    const streams: Stream[] = [];
    groups.forEach((items, group) => {
      for (let shard = 0; shard < 2; shard++) {
        partitions.set(`P#${shard}#${group}`, []);
        streams.push({ index: 'byEnvironment', partition: `P#${shard}#${group}`, prefix: '', filters: [], group });
      }
      for (const item of items) {
        const partition = `P#${shardOf(item.id, 2)}#${group}`;
        partitions.get(partition)!.push({ ...item, gsi4pk: partition });
      }
    });

    const { ids } = await readAll({ fake: fakeIndex(partitions, 'gsi4pk', 'gsi4sk'), streams, sk: 'gsi4sk' }, [4], {
      order: 'any',
    });

    expect(ids.slice(0, 9).sort()).toEqual(groups[0]!.map((i) => i.id));
    expect(ids.slice(9).sort()).toEqual(groups[1]!.map((i) => i.id));
  });
});
