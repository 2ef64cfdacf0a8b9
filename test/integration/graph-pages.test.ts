/**
 * GET /graph, whole environment, against DynamoDB Local: 1,200 connections (half soft-deleted)
 * seeded straight into the table. Paging through covers every matching edge exactly once, each
 * page within its limit and examining only what it returns; filters select exactly their edges;
 * tokens are bound to their filters and scope.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateConnections, seedConnections } from '../../testkit/seed.ts';
import type { Connection, Graph } from '#model/representations.ts';
import type { Status } from '#model/vocabulary.ts';
import { InvalidNextTokenError } from '#model/errors.ts';
import type { GraphQuery } from '#model/inputs.ts';
import { freshScope, newRepository, tableName, seeder } from '../support/integration.ts';

const SIZE = 1200;
const scope = freshScope();
// Live waiting ones with a deadline weeks ahead (a delete clears it, as the service does): none is due.
const DEADLINE = '2026-12-31T00:00:00.000Z';
const seeded = generateConnections(scope, SIZE, true).map((c) =>
  !c.deletedAt && (c.status === 'pending' || c.status === 'connecting') ? { ...c, statusDeadline: DEADLINE } : c,
);
const reads = { scanned: 0, count: 0, queries: 0 };
const repo = newRepository(({ scannedCount, count }) => {
  reads.scanned += scannedCount;
  reads.count += count;
  reads.queries++;
});

beforeAll(async () => {
  await seedConnections(seeder, tableName, seeded);
}, 180_000);

const key = (type: string, id: string) => `${type}/${id}`;

/** Every page to the end, checking each page on the way. */
async function allPages(query: GraphQuery, limit: number): Promise<{ pages: Graph[]; ids: string[] }> {
  const pages: Graph[] = [];
  let nextToken: string | undefined;
  do {
    reads.scanned = reads.count = reads.queries = 0;
    const page = await repo.graph({ scope, query: { ...query, limit, nextToken } });
    expect(page.edges.length).toBeLessThanOrEqual(limit);
    // No filter expression: a page examines exactly the edges it returns.
    expect(reads.scanned).toBe(page.edges.length);
    expect(reads.scanned).toBeLessThanOrEqual(1000);
    expect(page.truncated).toBe(false);
    // The nodes are exactly those the page's edges touch, each once.
    const touched = new Set(page.edges.flatMap((e) => [e.source, e.target]));
    expect(page.nodes.map((n) => n.key).sort()).toEqual([...touched].sort());
    for (const node of page.nodes) expect(node.key).toBe(key(node.resourceType, node.resourceId));
    pages.push(page);
    nextToken = page.nextToken ?? undefined;
  } while (nextToken);
  return { pages, ids: pages.flatMap((p) => p.edges.map((e) => e.id)) };
}

const expectedIds = (matches: (c: Connection) => boolean) =>
  seeded
    .filter(matches)
    .map((c) => c.id)
    .sort();

describe('whole-environment pages', () => {
  it.each([
    ['no filter', {}, (c: Connection) => c.deletedAt === undefined],
    ['status', { status: 'failed' as Status }, (c: Connection) => c.deletedAt === undefined && c.status === 'failed'],
    ['includeDeleted', { includeDeleted: true }, () => true],
    [
      'status and includeDeleted',
      { status: 'connecting' as Status, includeDeleted: true },
      (c: Connection) => c.status === 'connecting',
    ],
  ])('%s: every matching edge exactly once, pages full until the last', async (_, query, matches) => {
    const { pages, ids } = await allPages(query, 97);

    expect(ids.length).toBe(new Set(ids).size);
    expect([...ids].sort()).toEqual(expectedIds(matches));
    for (const page of pages.slice(0, -1)) expect(page.edges).toHaveLength(97);
  });

  it('answers each edge as the contract shapes it, deleted ones with deletedAt', async () => {
    const { pages } = await allPages({ includeDeleted: true }, 1000);
    const byId = new Map(seeded.map((c) => [c.id, c]));

    for (const edge of pages.flatMap((p) => p.edges)) {
      const c = byId.get(edge.id)!;
      expect(edge).toEqual({
        id: c.id,
        source: key(c.sourceResourceType, c.sourceResourceId),
        target: key(c.targetResourceType, c.targetResourceId),
        status: c.status,
        version: c.version,
        updatedAt: c.updatedAt,
        statusDeadline: c.statusDeadline,
        ...(c.deletedAt ? { deletedAt: c.deletedAt } : {}),
      });
    }
    expect(pages.flatMap((p) => p.edges).filter((edge) => edge.statusDeadline === DEADLINE).length).toBeGreaterThan(
      100,
    );
  });

  it('pages 500 edges by default and up to 1,000 when asked, one Query a page in an environment of one shard', async () => {
    reads.queries = 0;
    expect((await repo.graph({ scope, query: {} })).edges).toHaveLength(500);
    expect(reads.queries).toBe(1);
    reads.queries = 0;
    const big = await repo.graph({ scope, query: { includeDeleted: true, limit: 1000 } });
    expect(big.edges).toHaveLength(1000);
    // The live partition (600 edges, all of them), then 400 of the deleted ones.
    expect(big.edges.filter((e) => e.deletedAt === undefined)).toHaveLength(600);
    expect(reads.queries).toBe(2);
  });

  it('lets limit change between pages', async () => {
    const first = await repo.graph({ scope, query: { limit: 10 } });
    const second = await repo.graph({ scope, query: { limit: 700, nextToken: first.nextToken! } });

    expect(second.nextToken).toBeNull();
    expect([...first.edges, ...second.edges].map((e) => e.id).sort()).toEqual(
      expectedIds((c) => c.deletedAt === undefined),
    );
  });

  it('answers an empty environment with no nodes, no edges and no token', async () => {
    expect(await repo.graph({ scope: freshScope(), query: {} })).toEqual({
      nodes: [],
      edges: [],
      nextToken: null,
      truncated: false,
    });
  });
});

describe('an environment grown to 8 shards', () => {
  const grown = freshScope();
  const edges = generateConnections(grown, 600, true);
  beforeAll(async () => {
    await seedConnections(seeder, tableName, edges, { shardCount: 8 });
  }, 180_000);

  it.each([
    ['no filter', {}, (c: Connection) => c.deletedAt === undefined],
    ['includeDeleted', { includeDeleted: true }, () => true],
  ])('%s: every edge once, live ones first, reading at most 1.25 times what it answers', async (_, query, matches) => {
    const ids: string[] = [];
    let examined = 0;
    let nextToken: string | undefined;
    do {
      reads.scanned = 0;
      const page = await repo.graph({ scope: grown, query: { ...query, limit: 97, nextToken } });
      expect(reads.scanned).toBeLessThanOrEqual(1000);
      examined += reads.scanned;
      ids.push(...page.edges.map((e) => e.id));
      nextToken = page.nextToken ?? undefined;
    } while (nextToken);

    const expected = edges.filter(matches);
    expect(ids).toEqual([
      ...expected.filter((c) => !c.deletedAt).map((c) => c.id),
      ...expected.filter((c) => c.deletedAt).map((c) => c.id),
    ]);
    expect(examined / ids.length).toBeLessThanOrEqual(1.25);
  });
});

describe('tokens', () => {
  let token: string;
  beforeAll(async () => {
    token = (await repo.graph({ scope, query: { status: 'failed', limit: 5 } })).nextToken!;
    expect(token).toEqual(expect.any(String));
  });

  it.each([
    ['another status', { status: 'connected' as Status }],
    ['no status', {}],
    ['includeDeleted added', { status: 'failed' as Status, includeDeleted: true }],
  ])('is refused with %s', async (_, query) => {
    await expect(repo.graph({ scope, query: { ...query, nextToken: token } })).rejects.toBeInstanceOf(
      InvalidNextTokenError,
    );
  });

  it('is refused in another environment or project', async () => {
    const elsewhere = [
      { ...scope, environmentSlug: 'other' },
      { ...scope, projectSlug: `${scope.projectSlug}x` },
    ];
    for (const other of elsewhere) {
      await expect(repo.graph({ scope: other, query: { status: 'failed', nextToken: token } })).rejects.toBeInstanceOf(
        InvalidNextTokenError,
      );
    }
  });

  it('is refused altered, and is not a list token', async () => {
    const altered = `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
    await expect(repo.graph({ scope, query: { status: 'failed', nextToken: altered } })).rejects.toBeInstanceOf(
      InvalidNextTokenError,
    );
    const listToken = (await repo.list({ scope, query: { status: 'failed', limit: 5 } })).nextToken!;
    await expect(repo.graph({ scope, query: { status: 'failed', nextToken: listToken } })).rejects.toBeInstanceOf(
      InvalidNextTokenError,
    );
  });

  it('opens with the filters it was made for', async () => {
    const page = await repo.graph({ scope, query: { status: 'failed', nextToken: token, limit: 1000 } });
    expect(page.edges.length).toBe(expectedIds((c) => c.deletedAt === undefined && c.status === 'failed').length - 5);
  });
});
