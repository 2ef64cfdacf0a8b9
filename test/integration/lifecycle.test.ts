/** History, restore, validate and the cascade delete, against DynamoDB Local. */
import { describe, expect, it } from 'vitest';
import {
  ConnectionNotAllowedError,
  ConnectionNotDeletedError,
  DuplicateConnectionError,
  NotFoundError,
  PreconditionFailedError,
} from '#model/errors.ts';
import type { CreateConnectionInput } from '#model/inputs.ts';
import { freshScope, newRepository } from '../support/integration.ts';

const repo = newRepository();
const pair = (app = 'app-1', server = 'i-1'): CreateConnectionInput => ({
  sourceResourceType: 'application',
  sourceResourceId: app,
  targetResourceType: 'instance',
  targetResourceId: server,
});

describe('history', () => {
  it('records every change in order, with actor, action and from/to, and stays readable after a delete', async () => {
    const scope = freshScope();
    const { connection } = await repo.create({ scope, input: { ...pair(), details: { a: 1 } }, actor: 'alice' });
    await repo.update({ scope, id: connection.id, patch: { status: 'connecting' }, actor: 'worker' });
    await repo.update({ scope, id: connection.id, patch: { details: { a: null, b: 2 } }, actor: 'worker' });
    await repo.delete({ scope, id: connection.id, actor: 'bob' });
    await repo.restore({ scope, id: connection.id, actor: 'carol' });

    const { items, nextToken } = await repo.history({ scope, id: connection.id, query: {} });

    expect(nextToken).toBeNull();
    expect(items.map((h) => [h.version, h.action, h.actor])).toEqual([
      [1, 'created', 'alice'],
      [2, 'updated', 'worker'],
      [3, 'updated', 'worker'],
      [4, 'deleted', 'bob'],
      [5, 'restored', 'carol'],
    ]);
    expect(items[1]!.changes).toEqual({
      status: { from: 'pending', to: 'connecting' },
      // Entering connecting set its own deadline in place of pending's.
      statusDeadline: { from: connection.statusDeadline, to: expect.any(String) },
    });
    expect(items[2]!.changes).toEqual({ details: { from: { a: 1 }, to: { b: 2 } } });
    expect(items[4]!.changes).toMatchObject({ status: { from: 'connecting', to: 'pending' }, deletedAt: { to: null } });
  });

  it('pages oldest first, and answers 404 for an id never used here', async () => {
    const scope = freshScope();
    const { connection } = await repo.create({ scope, input: pair(), actor: 'u' });
    for (const status of ['connecting', 'connected', 'disconnected', 'pending'] as const) {
      await repo.update({ scope, id: connection.id, patch: { status }, actor: 'u' });
    }

    const first = await repo.history({ scope, id: connection.id, query: { limit: 2 } });
    const second = await repo.history({ scope, id: connection.id, query: { limit: 2, nextToken: first.nextToken! } });
    const third = await repo.history({ scope, id: connection.id, query: { limit: 2, nextToken: second.nextToken! } });

    expect([...first.items, ...second.items, ...third.items].map((h) => h.version)).toEqual([1, 2, 3, 4, 5]);
    await expect(repo.history({ scope: freshScope(), id: connection.id, query: {} })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('matches the sequence of versions under concurrent updates', async () => {
    const scope = freshScope();
    const { connection } = await repo.create({ scope, input: pair(), actor: 'u' });

    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        repo.update({ scope, id: connection.id, patch: { statusReason: `r${i}` }, actor: `w${i}` }),
      ),
    );

    const { items } = await repo.history({ scope, id: connection.id, query: { limit: 100 } });
    expect(items.map((h) => h.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const final = await repo.get({ scope, id: connection.id });
    expect(items.at(-1)!.changes.statusReason!.to).toBe(final.statusReason);
  });
});

describe('restore', () => {
  it('of 6 simultaneous restores exactly one succeeds; the others are 409 CONNECTION_NOT_DELETED, never a duplicate of itself', async () => {
    // A race may go either way: run it several times.
    for (let round = 0; round < 4; round++) {
      const scope = freshScope();
      const { connection } = await repo.create({ scope, input: pair(), actor: 'u' });
      await repo.delete({ scope, id: connection.id, actor: 'u' });

      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => repo.restore({ scope, id: connection.id, actor: `r${i}` })),
      );

      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refusals = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
      expect(refusals.map((e) => e.constructor.name)).toEqual(Array(5).fill(ConnectionNotDeletedError.name));
      expect((await repo.get({ scope, id: connection.id })).version).toBe(3);
    }
  });

  it('of 6 simultaneous restores with the same If-Match one succeeds; the others are 409 or 412', async () => {
    const scope = freshScope();
    const { connection } = await repo.create({ scope, input: pair(), actor: 'u' });
    await repo.delete({ scope, id: connection.id, actor: 'u' });

    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => repo.restore({ scope, id: connection.id, actor: 'u', ifMatch: [2] })),
    );

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') {
        expect([ConnectionNotDeletedError.name, PreconditionFailedError.name]).toContain(
          result.reason.constructor.name,
        );
      }
    }
  });

  it('brings a deleted connection back as pending, with a new version', async () => {
    const scope = freshScope();
    const { connection } = await repo.create({ scope, input: pair(), actor: 'u' });
    await repo.update({ scope, id: connection.id, patch: { status: 'connecting', statusReason: 'x' }, actor: 'u' });
    await repo.delete({ scope, id: connection.id, actor: 'u' });

    const { connection: restored } = await repo.restore({ scope, id: connection.id, actor: 'u', ifMatch: [3] });

    expect(restored).toMatchObject({ status: 'pending', statusReason: null, version: 4 });
    expect(restored.deletedAt).toBeUndefined();
    expect((await repo.list({ scope, query: {} })).items.map((c) => c.id)).toEqual([connection.id]);
    await expect(repo.create({ scope, input: pair(), actor: 'u' })).rejects.toBeInstanceOf(DuplicateConnectionError);
  });

  it('409 DUPLICATE_CONNECTION when another live connection took the pair, changing nothing', async () => {
    const scope = freshScope();
    const { connection: old } = await repo.create({ scope, input: pair(), actor: 'u' });
    await repo.delete({ scope, id: old.id, actor: 'u' });
    const { connection: replacement } = await repo.create({ scope, input: pair(), actor: 'u' });

    const refused = repo.restore({ scope, id: old.id, actor: 'u' });

    await expect(refused).rejects.toBeInstanceOf(DuplicateConnectionError);
    await expect(refused).rejects.toMatchObject({ extensions: { existingConnectionId: replacement.id } });
    expect((await repo.get({ scope, id: old.id, includeDeleted: true })).deletedAt).toBeDefined();
  });

  it('409 CONNECTION_NOT_DELETED for a live one, 404 for none, 412 on a stale If-Match', async () => {
    const scope = freshScope();
    const { connection } = await repo.create({ scope, input: pair(), actor: 'u' });

    await expect(repo.restore({ scope, id: connection.id, actor: 'u' })).rejects.toBeInstanceOf(
      ConnectionNotDeletedError,
    );
    await expect(repo.restore({ scope: freshScope(), id: connection.id, actor: 'u' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await repo.delete({ scope, id: connection.id, actor: 'u' });
    await expect(repo.restore({ scope, id: connection.id, actor: 'u', ifMatch: [1] })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
  });
});

describe('checkCreate (validate)', () => {
  it('passes what create would accept and refuses what it would refuse, writing nothing', async () => {
    const scope = freshScope();
    await repo.checkCreate({ scope, input: pair() });
    const { connection } = await repo.create({ scope, input: pair(), actor: 'u' });

    await expect(repo.checkCreate({ scope, input: pair() })).rejects.toMatchObject({
      extensions: { existingConnectionId: connection.id },
    });
    await expect(
      repo.checkCreate({ scope, input: { ...pair(), targetResourceType: 'firewall' } }),
    ).rejects.toBeInstanceOf(ConnectionNotAllowedError);
    expect((await repo.list({ scope, query: {} })).items).toHaveLength(1);
  });
});

describe('deleteAllForResource (cascade)', () => {
  it('soft-deletes every live connection of a resource, as source and as target, and a repeat deletes none', async () => {
    const scope = freshScope();
    const server = { type: 'instance', id: 'i-9' } as const;
    const made = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => repo.create({ scope, input: pair(`app-${i}`, server.id), actor: 'u' })),
      repo.create({
        scope,
        input: {
          sourceResourceType: 'instance',
          sourceResourceId: server.id,
          targetResourceType: 'firewall',
          targetResourceId: 'sg-1',
        },
        actor: 'u',
      }),
      repo.create({ scope, input: pair('app-elsewhere', 'i-other'), actor: 'u' }),
    ]);
    await repo.delete({ scope, id: made[0]!.connection.id, actor: 'u' });

    const first = await repo.deleteAllForResource({ scope, resource: server, actor: 'platform' });
    const second = await repo.deleteAllForResource({ scope, resource: server, actor: 'platform' });

    expect(first).toEqual({ deleted: 30, complete: true });
    expect(second).toEqual({ deleted: 0, complete: true });
    expect((await repo.listForResource({ scope, resource: server, query: {} })).items).toEqual([]);
    expect((await repo.list({ scope, query: {} })).items.map((c) => c.sourceResourceId)).toEqual(['app-elsewhere']);
    const history = await repo.history({ scope, id: made[5]!.connection.id, query: {} });
    expect(history.items.at(-1)).toMatchObject({ action: 'deleted', actor: 'platform' });
  });
});

describe('cascade at scale', () => {
  it(
    'deletes 2,000 connections of one resource, repeated until complete; a further run deletes 0',
    { timeout: 180_000 },
    async () => {
      const scope = freshScope();
      const server = { type: 'instance', id: 'big-1' } as const;
      for (let i = 0; i < 2000; i += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, j) =>
            repo.create({ scope, input: pair(`app-${i + j}`, server.id), actor: 'seed' }),
          ),
        );
      }
      const started = Date.now();

      let first = 0;
      let requests = 0;
      for (let complete = false; !complete && requests < 20; requests++) {
        const result = await repo.deleteAllForResource({ scope, resource: server, actor: 'platform' });
        first += result.deleted;
        complete = result.complete;
      }
      const elapsed = Date.now() - started;
      const second = await repo.deleteAllForResource({ scope, resource: server, actor: 'platform' });

      console.log(`cascade: ${first} connections deleted in ${elapsed} ms, ${requests} request(s)`);
      expect(first).toBe(2000);
      expect(second).toEqual({ deleted: 0, complete: true });
      expect((await repo.list({ scope, query: { includeDeleted: true, limit: 1 } })).items[0]?.deletedAt).toBeDefined();
    },
  );
});
