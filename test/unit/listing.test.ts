/**
 * The one Query builder (listing.ts, with merge-plan.ts deciding its reads) against an in-memory
 * index: shard routing and merge order as properties over shard counts 1, 2, 8 and 32, page limits
 * 1-100 (changing between pages), tokens resumed twice, and an environment that grows while it is
 * listed, its entries moving to their new shards between pages. A list answers every match once,
 * in sort-key order, pages full but the last, each request within its budget; a token holds a
 * position only, so each page answers rows as they are when it is read.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidNextTokenError } from '#model/errors.ts';
import { queryPage, type PageRequest, type Stream } from '#store/paging/listing.ts';
import { sealPageToken } from '#store/paging/page-token.ts';
import { shardOf } from '#store/keys.ts';
import { fakeIndex, type Item } from '../support/fake-index.ts';

const SECRET = 'listing-unit-secret';
const SHARD_COUNTS = [1, 2, 8, 32] as const;

const ulidLike = (n: number) => `01J${String(n).padStart(8, '0')}`;
const itemsOf = (ids: readonly number[]) => [...new Set(ids)].map((n) => ({ id: ulidLike(n), gsi4sk: ulidLike(n) }));

/** Partitions `P#0` … of `shards`, each item in the one its `shardKey` hashes to under `writtenUnder(item)` shards. */
function partitionsOf(
  items: readonly Item[],
  shards: number,
  { pk = 'gsi4pk', shardKey = (item: Item) => item.id!, writtenUnder = () => shards } = {} as {
    pk?: string;
    shardKey?: (item: Item) => string;
    writtenUnder?: (item: Item) => number;
  },
): Map<string, Item[]> {
  const partitions = new Map<string, Item[]>(Array.from({ length: shards }, (_, s) => [`P#${s}`, []]));
  for (const item of items) {
    const partition = `P#${shardOf(shardKey(item), writtenUnder(item))}`;
    partitions.get(partition)!.push({ ...item, [pk]: partition });
  }
  return partitions;
}

const streamsOf = (
  shards: number,
  stream: Omit<Stream, 'partition'> = { index: 'byEnvironment', prefix: '', filters: [] },
) => Array.from({ length: shards }, (_, s): Stream => ({ ...stream, partition: `P#${s}` }));

interface Listing {
  readonly pages: Item[][];
  /** Items each page examined. */
  readonly examined: number[];
  readonly ids: string[];
}

/**
 * Every page to the end; before each page `before(i)` may change the index (and the streams). A
 * token is used twice at `resumeAt`: a page read again answers the same.
 */
async function readAll(
  limits: readonly number[],
  before: (page: number) => { partitions: Map<string, Item[]>; streams: Stream[]; sk?: string },
  { resumeAt = -1, budget }: { resumeAt?: number; budget?: number } = {},
): Promise<Listing> {
  const pages: Item[][] = [];
  const examined: number[] = [];
  let nextToken: string | undefined;
  let fake: ReturnType<typeof fakeIndex> | undefined;
  let indexed: Map<string, Item[]> | undefined;
  for (let i = 0; ; i++) {
    const { partitions, streams, sk = 'gsi4sk' } = before(i);
    // A new index only when the partitions changed: building one sorts every item.
    if (partitions !== indexed)
      fake = fakeIndex(partitions, streams[0]!.index === 'bySource' ? 'gsi1pk' : 'gsi4pk', sk);
    indexed = partitions;
    const queried = fake!.queries.length;
    const source = { client: fake!.client, tableName: 't', pageTokenSecret: SECRET };
    const request: PageRequest = { limit: limits[i % limits.length]!, nextToken, binding: 'b', budget };
    const page = await queryPage(source, streams, request);
    if (i === resumeAt && nextToken) expect((await queryPage(source, streams, request)).items).toEqual(page.items);
    examined.push(fake!.queries.slice(queried).reduce((sum, q) => sum + q.scanned, 0));
    pages.push(page.items as Item[]);
    expect(page.items.length).toBeLessThanOrEqual(request.limit);
    nextToken = page.nextToken ?? undefined;
    if (!nextToken) break;
    if (i > 10_000) throw new Error('no end');
  }
  return { pages, examined, ids: pages.flat().map((item) => item.id!) };
}

const still = (items: readonly Item[], shards: number, options?: Parameters<typeof partitionsOf>[2]) => {
  const partitions = partitionsOf(items, shards, options);
  return () => ({ partitions, streams: streamsOf(shards) });
};

// Property runs over up to 32 shards read many pages: more than the default 5 s on a busy machine.
describe('a list merged over shards', { timeout: 60_000 }, () => {
  it('answers every item once, in sort-key order, pages full but the last (1, 2, 8 and 32 shards)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SHARD_COUNTS),
        fc.array(fc.nat(5000), { maxLength: 400 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }),
        fc.nat(6),
        async (shards, ids, limits, resumeAt) => {
          const items = itemsOf(ids);

          const { pages, ids: answered } = await readAll(limits, still(items, shards), { resumeAt });

          expect(answered).toEqual(items.map((item) => item.id).sort());
          pages.slice(0, -1).forEach((page, i) => expect(page.length).toBe(limits[i % limits.length]));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('answers every item once, in order, while the environment grows mid-listing and entries move to their new shards', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(5000), { minLength: 1, maxLength: 400 }),
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 3 }),
        // Per page: whether the environment doubles its shards before it (up to 32).
        fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
        fc.infiniteStream(fc.boolean()),
        async (ids, limits, grows, moves) => {
          const items = itemsOf(ids);
          // The count each item was last written under: a new environment has one shard.
          const writtenUnder = new Map(items.map((item) => [item.id, 1]));
          let shards = 1;
          const moving = moves[Symbol.iterator]();

          const { ids: answered } = await readAll(limits, (page) => {
            if (grows[page % grows.length] && shards < 32) shards *= 2;
            // Some entries are written again: under the new count they move to their shard.
            for (const item of items) if (moving.next().value) writtenUnder.set(item.id, shards);
            return {
              partitions: partitionsOf(items, shards, { writtenUnder: (item) => writtenUnder.get(item.id!)! }),
              streams: streamsOf(shards),
            };
          });

          expect(answered).toEqual(items.map((item) => item.id).sort());
        },
      ),
      { numRuns: 100 },
    );
  });

  it('orders a type filter by resource id, then connection id, with each resource in its shard', async () => {
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
          const partitions = partitionsOf(items, shards, { pk: 'gsi1pk', shardKey: (i) => i.res! });
          const streams = streamsOf(shards, { index: 'bySource', prefix: 'application#', filters: [] });

          const { ids: answered } = await readAll(limits, () => ({ partitions, streams, sk: 'gsi1sk' }));

          expect(answered).toEqual([...items].sort((a, b) => (a.gsi1sk < b.gsi1sk ? -1 : 1)).map((i) => i.id));
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
        fc.integer({ min: 64, max: 160 }),
        async (shards, rows, limit, budget) => {
          const items = [
            ...new Map(rows.map(([n, status]) => [n, { id: ulidLike(n), gsi4sk: ulidLike(n), status }])),
          ].map(([, item]) => item);
          const partitions = partitionsOf(items, shards);
          const streams = streamsOf(shards, {
            index: 'byEnvironment',
            prefix: '',
            filters: [{ attribute: 'status', value: 'failed' }],
          });

          const { ids: answered, examined } = await readAll([limit], () => ({ partitions, streams }), { budget });

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

  it('answers each row as it is when its page is read: a row gone after page 1 is not on page 2', async () => {
    const items = itemsOf(Array.from({ length: 40 }, (_, i) => i)).map((item) => ({ ...item, status: 'pending' }));
    // Page 2 is read after rows 10-19 changed and rows 20-24 left the partitions read.
    const { pages } = await readAll([10], (page) => {
      const now =
        page === 0
          ? items
          : items.flatMap((item, i) =>
              i >= 20 && i < 25 ? [] : [i < 20 && i >= 10 ? { ...item, status: 'failed' } : item],
            );
      return { partitions: partitionsOf(now, 8), streams: streamsOf(8) };
    });

    expect(pages[1]!.map((item) => item.status)).toEqual(Array(10).fill('failed'));
    expect(pages.flat().map((item) => item.id)).not.toContain(items[22]!.id);
    expect(pages.flat()).toHaveLength(35);
  });

  it('reads only inside its streams, whatever position a token names (one sealed with the real key included)', async () => {
    const items = itemsOf(Array.from({ length: 30 }, (_, i) => i)).map((item) => ({
      ...item,
      gsi1sk: `application#app-1#${item.id}`,
    }));
    const others = itemsOf(Array.from({ length: 30 }, (_, i) => 100 + i)).map((item) => ({
      ...item,
      gsi1sk: `application#app-0#${item.id}`,
    }));
    const partitions = partitionsOf([...items, ...others], 2, { pk: 'gsi1pk', shardKey: () => 'one' });
    const streams = streamsOf(2, { index: 'bySource', prefix: 'application#app-1#', filters: [] });
    const fake = fakeIndex(partitions, 'gsi1pk', 'gsi1sk');
    const source = { client: fake.client, tableName: 't', pageTokenSecret: SECRET };

    for (const after of ['', 'a', 'application#app-0#', 'application#app-1', 'zzz', 'application#app-1#~']) {
      const nextToken = sealPageToken({ group: 0, after }, 'b', SECRET);
      const page = await queryPage(source, streams, { limit: 100, nextToken, binding: 'b' });

      for (const item of page.items) expect(String(item.gsi1sk).startsWith('application#app-1#')).toBe(true);
    }
    const beyond = sealPageToken({ group: 3, after: null }, 'b', SECRET);
    await expect(queryPage(source, streams, { limit: 5, nextToken: beyond, binding: 'b' })).rejects.toBeInstanceOf(
      InvalidNextTokenError,
    );
  });

  it('refuses a token bound to something else', async () => {
    const partitions = partitionsOf(itemsOf(Array.from({ length: 30 }, (_, i) => i)), 8);
    const source = {
      client: fakeIndex(partitions, 'gsi4pk', 'gsi4sk').client,
      tableName: 't',
      pageTokenSecret: SECRET,
    };
    const { nextToken } = await queryPage(source, streamsOf(8), { limit: 5, nextToken: undefined, binding: 'b' });

    await expect(
      queryPage(source, streamsOf(8), { limit: 5, nextToken: nextToken!, binding: 'other' }),
    ).rejects.toBeInstanceOf(InvalidNextTokenError);
  });
});

describe('groups of streams (the graph: live, then deleted)', { timeout: 60_000 }, () => {
  it('uses up group 0 before group 1, each in order, across any shard count', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SHARD_COUNTS),
        fc.array(fc.nat(2000), { maxLength: 150 }),
        fc.array(fc.nat(2000), { maxLength: 150 }),
        fc.integer({ min: 1, max: 100 }),
        async (shards, live, deleted, limit) => {
          const groups = [itemsOf(live), itemsOf(deleted)];
          const partitions = new Map<string, Item[]>();
          const streams: Stream[] = [];
          groups.forEach((items, group) => {
            for (let shard = 0; shard < shards; shard++) {
              partitions.set(`P#${shard}#${group}`, []);
              streams.push({
                index: 'byEnvironment',
                partition: `P#${shard}#${group}`,
                prefix: '',
                filters: [],
                group,
              });
            }
            for (const item of items) {
              const partition = `P#${shardOf(item.id, shards)}#${group}`;
              partitions.get(partition)!.push({ ...item, gsi4pk: partition });
            }
          });

          const { ids, pages } = await readAll([limit], () => ({ partitions, streams }));

          expect(ids).toEqual([...groups[0]!.map((i) => i.id).sort(), ...groups[1]!.map((i) => i.id).sort()]);
          pages.slice(0, -1).forEach((page) => expect(page.length).toBe(limit));
        },
      ),
      { numRuns: 100 },
    );
  });
});
