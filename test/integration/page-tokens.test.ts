/**
 * Page tokens hold positions, never data (docs/api.md, Paging), against DynamoDB Local: each page
 * shows every connection as it is when that page is read, and nothing a token holds, even one made
 * with the service's own key, brings another scope's data into an answer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidNextTokenError } from '#model/errors.ts';
import type { Connection } from '#model/representations.ts';
import type { Scope } from '#model/vocabulary.ts';
import { keys } from '#store/keys.ts';
import { planConnectionList, planResourceConnections } from '#store/paging/list-plans.ts';
import { sealPageToken } from '#store/paging/page-token.ts';
import { bind } from '#store/paging/list-plans.ts';
import { freshScope, newRepository, pageTokenSecret } from '../support/integration.ts';

const repo = newRepository();
const LARGE = { secret: 'x'.repeat(400) };

async function make(scope: Scope, n: number, details: Record<string, unknown> = {}): Promise<Connection> {
  const input = {
    sourceResourceType: 'application' as const,
    sourceResourceId: `app-${n}`,
    targetResourceType: 'instance' as const,
    targetResourceId: 'i-1',
    details,
  };
  return (await repo.create({ scope, input, actor: 'u' })).connection;
}

describe('a page after a change', () => {
  it('lists a connection soft-deleted after page 1 not live on page 2, and shows a status as it is now', async () => {
    const scope = freshScope();
    const made: Connection[] = [];
    for (let n = 0; n < 20; n++) made.push(await make(scope, n, n % 2 ? LARGE : { port: n }));
    const first = await repo.list({ scope, query: { limit: 8 } });
    const later = made.slice(8);

    for (const c of later.slice(0, 4)) await repo.delete({ scope, id: c.id, actor: 'u' });
    for (const c of later.slice(4, 8)) {
      await repo.update({ scope, id: c.id, patch: { status: 'connecting', details: { moved: true } }, actor: 'u' });
    }
    const second = await repo.list({ scope, query: { limit: 100, nextToken: first.nextToken! } });

    expect(first.items.map((c) => c.id)).toEqual(made.slice(0, 8).map((c) => c.id));
    expect(second.items.map((c) => c.id)).toEqual(later.slice(4).map((c) => c.id));
    expect(second.items.slice(0, 4).map((c) => [c.status, c.version, c.details.moved])).toEqual(
      Array(4).fill(['connecting', 2, true]),
    );
    expect(second.items.every((c) => c.deletedAt === undefined)).toBe(true);
  });

  it('shows deleted after page 1 as deleted, once, when the list includes deleted ones', async () => {
    const scope = freshScope();
    const made: Connection[] = [];
    for (let n = 0; n < 12; n++) made.push(await make(scope, n));
    const first = await repo.list({ scope, query: { limit: 5, includeDeleted: true } });
    await repo.delete({ scope, id: made[2]!.id, actor: 'u' }); // already answered on page 1
    await repo.delete({ scope, id: made[7]!.id, actor: 'u' });

    const second = await repo.list({ scope, query: { limit: 100, includeDeleted: true, nextToken: first.nextToken! } });

    expect([...first.items, ...second.items].map((c) => c.id)).toEqual(made.map((c) => c.id));
    expect(second.items.find((c) => c.id === made[7]!.id)?.deletedAt).toEqual(expect.any(String));
  });
});

describe('tokens made with the real key', () => {
  const dev: Scope = freshScope('dev');
  const prod: Scope = { ...dev, environmentSlug: 'prod' };
  let secret: Connection;
  let own: Connection[];

  beforeAll(async () => {
    own = [await make(dev, 1), await make(dev, 2)];
    secret = await make(prod, 1, { password: 'prod-only', padding: 'y'.repeat(400) });
    await make(prod, 2, { password: 'prod-only' });
  });

  const expectOnlyDev = (items: readonly Connection[]) => {
    for (const c of items) {
      expect(c.environmentSlug).toBe('dev');
      expect(JSON.stringify(c)).not.toContain('prod-only');
    }
  };

  it("never answer another scope's connections, whatever position they name", async () => {
    const binding = planConnectionList(dev, {}, 1).binding;
    const positions = [
      null,
      '',
      secret.id,
      keys.connection(prod, secret.id).pk,
      `ENV#${prod.projectSlug}#prod#LIVE#00`,
      '~',
    ];
    for (const after of positions) {
      const nextToken = sealPageToken(
        { group: 0, after, span: { from: secret.id, rows: 3 } },
        binding,
        pageTokenSecret,
      );

      const page = await repo.list({ scope: dev, query: { nextToken } });

      expectOnlyDev(page.items);
    }
    const resource = planResourceConnections(dev, { type: 'instance', id: 'i-1' }, {}, 1).binding;
    const page = await repo.listForResource({
      scope: dev,
      resource: { type: 'instance', id: 'i-1' },
      query: { nextToken: sealPageToken({ group: 0, after: null }, resource, pageTokenSecret) },
    });
    expect(page.items.map((c) => c.id)).toEqual(own.map((c) => c.id));
    expectOnlyDev(page.items);
  });

  it('are refused when they carry rows, as tokens once did: a row naming another scope never reaches the details read', async () => {
    const binding = planConnectionList(dev, {}, 1).binding;
    const carried = { ...secret, detailsVersion: 1, gsi4sk: secret.id };
    const forged = [
      { group: 0, after: null, rows: [carried] },
      { streams: [{ from: null, done: false, rows: [carried], share: 1 }], readAt: Date.now() },
    ];
    for (const body of forged) {
      const nextToken = sealPageToken(body as never, binding, pageTokenSecret);

      await expect(repo.list({ scope: dev, query: { nextToken } })).rejects.toBeInstanceOf(InvalidNextTokenError);
    }
  });

  it("of another scope's list, or the graph's, are refused", async () => {
    const tokens = [
      sealPageToken({ group: 0, after: null }, planConnectionList(prod, {}, 1).binding, pageTokenSecret),
      sealPageToken({ group: 0, after: null }, bind('graph', dev, {}), pageTokenSecret),
      sealPageToken({ group: 5, after: null }, planConnectionList(dev, {}, 1).binding, pageTokenSecret),
    ];
    for (const nextToken of tokens) {
      await expect(repo.list({ scope: dev, query: { nextToken } })).rejects.toBeInstanceOf(InvalidNextTokenError);
    }
  });
});
