/**
 * Lists against DynamoDB Local: every filter combination pages through exactly the matching
 * connections, pages are full but the last, tokens are bound to their scope and filters, and
 * key-covered filters read only what they return.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '#model/representations.ts';
import { InvalidNextTokenError } from '#model/errors.ts';
import type { Scope, ResourceType, Status } from '#model/vocabulary.ts';
import type { ListConnectionsQuery } from '#model/inputs.ts';
import { freshScope, newRepository } from '../support/integration.ts';

const reads = { scanned: 0, returned: 0 };
const repo = newRepository(({ scannedCount, count }) => {
  reads.scanned += scannedCount;
  reads.returned += count;
});

const scope = freshScope();
let all: Connection[] = [];

/** 45 connections over every allowed pair, spread over statuses; every fifth one deleted. */
beforeAll(async () => {
  const pairs: [ResourceType, string, ResourceType, string][] = [];
  for (let i = 0; i < 9; i++) {
    pairs.push(['application', `app-${i}`, 'instance', `i-${i % 3}`]);
    pairs.push(['terminal', `term-${i}`, 'instance', `i-${i % 3}`]);
    pairs.push(['instance', `i-${i % 3}`, 'firewall', `fw-${i}`]);
    pairs.push(['instance', `i-${i % 3}`, 'database', `db-${i}`]);
    pairs.push(['bucket_explorer', `be-${i % 2}`, i % 2 ? 'storage_bucket' : 'static_website', `b-${i}`]);
  }
  const moves: Status[][] = [[], ['connecting'], ['connecting', 'connected'], ['failed'], ['disconnected']];
  all = await Promise.all(
    pairs.map(async ([st, sid, tt, tid], i) => {
      let c = (
        await repo.create({
          scope,
          input: { sourceResourceType: st, sourceResourceId: sid, targetResourceType: tt, targetResourceId: tid },
          actor: 'seed',
        })
      ).connection;
      for (const status of moves[i % moves.length]!)
        c = (await repo.update({ scope, id: c.id, patch: { status }, actor: 'seed' })).connection;
      if (i % 5 === 4) {
        await repo.delete({ scope, id: c.id, actor: 'seed' });
        c = await repo.get({ scope, id: c.id, includeDeleted: true });
      }
      return c;
    }),
  );
});

function matching(q: ListConnectionsQuery): string[] {
  return all
    .filter(
      (c) =>
        (q.includeDeleted || c.deletedAt === undefined) &&
        (!q.sourceResourceType || c.sourceResourceType === q.sourceResourceType) &&
        (!q.sourceResourceId || c.sourceResourceId === q.sourceResourceId) &&
        (!q.targetResourceType || c.targetResourceType === q.targetResourceType) &&
        (!q.targetResourceId || c.targetResourceId === q.targetResourceId) &&
        (!q.status || c.status === q.status),
    )
    .map((c) => c.id)
    .sort();
}

async function collect(
  list: (nextToken?: string) => Promise<{ items: Connection[]; nextToken: string | null }>,
  limit: number,
) {
  const pages: Connection[][] = [];
  let nextToken: string | undefined;
  do {
    const page = await list(nextToken);
    pages.push(page.items);
    nextToken = page.nextToken ?? undefined;
  } while (nextToken && pages.length < 100);
  pages.slice(0, -1).forEach((page) => expect(page).toHaveLength(limit));
  return pages.flat();
}

const FILTERS: ListConnectionsQuery[] = [
  {},
  { includeDeleted: true },
  { status: 'pending' },
  { status: 'connected', includeDeleted: true },
  { sourceResourceType: 'application' },
  { sourceResourceType: 'instance', sourceResourceId: 'i-1' },
  { targetResourceType: 'instance' },
  { targetResourceType: 'instance', targetResourceId: 'i-2' },
  { sourceResourceType: 'instance', status: 'failed' },
  { sourceResourceType: 'instance', sourceResourceId: 'i-0', targetResourceType: 'database' },
  { targetResourceType: 'instance', targetResourceId: 'i-0', status: 'pending', includeDeleted: true },
  { sourceResourceType: 'bucket_explorer', targetResourceType: 'storage_bucket' },
  { sourceResourceType: 'firewall' },
];

describe('list', () => {
  it.each(FILTERS.flatMap((q) => [1, 4, 100].map((limit) => [JSON.stringify(q), limit, q] as const)))(
    'pages %s by %i: every match exactly once, every page full but the last',
    async (_, limit, q) => {
      const items = await collect((nextToken) => repo.list({ scope, query: { ...q, limit, nextToken } }), limit);

      const ids = items.map((c) => c.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(matching(q));
    },
  );

  it.each([
    { sourceResourceType: 'application' },
    { sourceResourceType: 'instance', sourceResourceId: 'i-1' },
    { targetResourceType: 'instance' },
    { targetResourceType: 'instance', targetResourceId: 'i-2' },
    { status: 'connected' },
    {},
  ] satisfies ListConnectionsQuery[])('reads only what it returns for %j, deleted connections included', async (q) => {
    reads.scanned = reads.returned = 0;

    const items = await collect((nextToken) => repo.list({ scope, query: { ...q, limit: 5, nextToken } }), 5);

    expect(items.length).toBeGreaterThan(0);
    expect(reads.scanned).toBe(reads.returned);
    expect(reads.returned).toBe(items.length);
  });

  it('orders an unfiltered list by id: oldest first', async () => {
    const { items } = await repo.list({ scope, query: { limit: 100 } });

    expect(items.map((c) => c.id)).toEqual(matching({}));
  });

  it('refuses a token with other filters, another scope or altered, never answering data', async () => {
    const { nextToken } = await repo.list({ scope, query: { limit: 2, sourceResourceType: 'application' } });
    const other: Scope = { ...scope, environmentSlug: 'other' };

    for (const attempt of [
      () => repo.list({ scope, query: { limit: 2, sourceResourceType: 'terminal', nextToken: nextToken! } }),
      () => repo.list({ scope, query: { limit: 2, nextToken: nextToken! } }),
      () => repo.list({ scope: other, query: { limit: 2, sourceResourceType: 'application', nextToken: nextToken! } }),
      () =>
        repo.list({
          scope,
          query: { limit: 2, sourceResourceType: 'application', nextToken: `${nextToken!.slice(0, -2)}AA` },
        }),
      () =>
        repo.listForResource({
          scope,
          resource: { type: 'application', id: 'app-1' },
          query: { nextToken: nextToken! },
        }),
    ]) {
      await expect(attempt()).rejects.toBeInstanceOf(InvalidNextTokenError);
    }
  });

  it('accepts a different limit on the next page', async () => {
    const first = await repo.list({ scope, query: { limit: 3 } });

    const rest = await collect(
      (nextToken) => repo.list({ scope, query: { limit: 7, nextToken: nextToken ?? first.nextToken! } }),
      7,
    );

    expect([...first.items, ...rest].map((c) => c.id).sort()).toEqual(matching({}));
  });
});

describe('connections of a resource', () => {
  const ofResource = (type: ResourceType, id: string, includeDeleted = false, status?: Status) =>
    all
      .filter(
        (c) =>
          ((c.sourceResourceType === type && c.sourceResourceId === id) ||
            (c.targetResourceType === type && c.targetResourceId === id)) &&
          (includeDeleted || c.deletedAt === undefined) &&
          (!status || c.status === status),
      )
      .map((c) => c.id)
      .sort();

  it.each([
    ['instance', 'i-0', false, undefined],
    ['instance', 'i-1', true, undefined],
    ['instance', 'i-2', false, 'pending'],
    ['bucket_explorer', 'be-1', true, 'failed'],
    ['database', 'db-3', false, undefined],
    ['instance', 'no-such', false, undefined],
  ] as const)(
    'pages %s %s (deleted %s, status %s) as source and target, merged by id',
    async (type, id, includeDeleted, status) => {
      for (const limit of [1, 3, 50]) {
        const items = await collect(
          (nextToken) =>
            repo.listForResource({
              scope,
              resource: { type, id },
              query: { limit, nextToken, includeDeleted, status },
            }),
          limit,
        );

        const ids = items.map((c) => c.id);
        expect(ids).toEqual(ofResource(type, id, includeDeleted, status));
      }
    },
  );
});
