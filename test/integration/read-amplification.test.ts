/**
 * The read-amplification budget at a realistic size: 1,000 connections, half of them soft-deleted,
 * seeded straight into the table. Every key-covered filter reads only what it returns
 * (ScannedCount = Count), on the first page and on every page after it; the deleted half costs
 * default lists nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { LIST_CASES, measureEnvironment, PAGE, type Environment } from '../../testkit/read-amplification.ts';
import { generateConnections, HOT_INSTANCE } from '../../testkit/seed.ts';
import type { Connection } from '#model/representations.ts';
import { client, freshScope, newRepository, pageTokenSecret, tableName } from '../support/integration.ts';

const SIZE = 1000;
const scope = freshScope();
let measured: Environment;

beforeAll(async () => {
  measured = await measureEnvironment(client, client, tableName, pageTokenSecret, SIZE, true, scope);
}, 180_000);

describe.each(LIST_CASES.filter((c) => c.keyCovered).map((c) => [c.name]))(
  '%s, half the connections deleted',
  (name) => {
    it('reads only what it returns, and fills the page', () => {
      const page = measured.pages[name]!;

      expect(page.scanned).toBe(page.count);
      expect(page.returned).toBe(PAGE);
    });
  },
);

describe('every page, to the end', () => {
  const live = () => generateConnections(scope, SIZE, true).filter((c) => c.deletedAt === undefined);
  const ofInstance = (c: Connection) =>
    (c.sourceResourceType === 'instance' && c.sourceResourceId === HOT_INSTANCE) ||
    (c.targetResourceType === 'instance' && c.targetResourceId === HOT_INSTANCE);

  it.each([
    [
      'target type+id',
      { targetResourceType: 'instance', targetResourceId: HOT_INSTANCE } as const,
      (c: Connection) => c.targetResourceType === 'instance' && c.targetResourceId === HOT_INSTANCE,
    ],
    ['status', { status: 'connected' } as const, (c: Connection) => c.status === 'connected'],
    ['no filter', {}, () => true],
  ])('%s reads exactly the live matches, once each', async (_, query, matches) => {
    const reads = { scanned: 0, count: 0 };
    const repo = newRepository(({ scannedCount, count }) => ((reads.scanned += scannedCount), (reads.count += count)));
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await repo.list({ scope, query: { ...query, limit: PAGE, nextToken } });
      seen.push(...page.items.map((c) => c.id));
      nextToken = page.nextToken ?? undefined;
    } while (nextToken);

    const expected = live()
      .filter(matches)
      .map((c) => c.id);
    expect(seen).toEqual(expected);
    expect(reads.scanned).toBe(expected.length);
    expect(reads.count).toBe(expected.length);
  });

  it('a resource as source and as target reads each live connection once, and at most a page ahead', async () => {
    const reads = { scanned: 0, count: 0 };
    const repo = newRepository(({ scannedCount, count }) => ((reads.scanned += scannedCount), (reads.count += count)));
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await repo.listForResource({
        scope,
        resource: { type: 'instance', id: HOT_INSTANCE },
        query: { limit: PAGE, nextToken },
      });
      seen.push(...page.items.map((c) => c.id));
      nextToken = page.nextToken ?? undefined;
    } while (nextToken);

    const expected = live()
      .filter(ofInstance)
      .map((c) => c.id);
    expect(seen).toEqual(expected);
    expect(reads.scanned).toBe(reads.count);
    // The two streams read ahead of the merge, so an item may be read again on the next page.
    expect(reads.count).toBeLessThanOrEqual(expected.length + Math.ceil(expected.length / PAGE) * PAGE);
  });
});
