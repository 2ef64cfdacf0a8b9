/** The repository's writes against DynamoDB Local: guards, versions, history, atomicity. */
import { describe, expect, it } from 'vitest';
import {
  ConnectionNotAllowedError,
  DuplicateConnectionError,
  InvalidStatusTransitionError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '#model/errors.ts';
import { keys } from '#store/keys.ts';
import type { CreateConnectionInput } from '#model/inputs.ts';
import { freshScope, itemsUnder, newRepository } from '../support/integration.ts';

const repo = newRepository();
const appOnServer: CreateConnectionInput = {
  sourceResourceType: 'application',
  sourceResourceId: 'app-1',
  targetResourceType: 'instance',
  targetResourceId: 'i-1',
};

describe('create', () => {
  it('stores a pending connection at version 1 with its guard and first history entry', async () => {
    const scope = freshScope();

    const created = (await repo.create({ scope, input: { ...appOnServer, details: { port: 8080 } }, actor: 'user-7' }))
      .connection;

    expect(created).toMatchObject({
      ...scope,
      status: 'pending',
      version: 1,
      createdBy: 'user-7',
      details: { port: 8080 },
    });
    expect(await repo.get({ scope, id: created.id })).toEqual(created);
    const guard = await itemsUnder(
      keys.pairGuard(scope, { type: 'application', id: 'app-1' }, { type: 'instance', id: 'i-1' }).pk,
    );
    expect(guard).toEqual([expect.objectContaining({ connectionId: created.id })]);
    const history = (await itemsUnder(keys.connection(scope, created.id).pk)).filter((i) => i.action);
    expect(history).toEqual([expect.objectContaining({ version: 1, action: 'created', actor: 'user-7' })]);
  });

  it('refuses a pair the rules do not allow, listing the allowed targets, and writes nothing', async () => {
    const scope = freshScope();

    const refused = repo.create({ scope, input: { ...appOnServer, targetResourceType: 'database' }, actor: 'u' });

    await expect(refused).rejects.toBeInstanceOf(ConnectionNotAllowedError);
    await expect(refused).rejects.toMatchObject({ extensions: { allowedTargets: ['instance'] } });
    expect((await repo.list({ scope, query: {} })).items).toEqual([]);
  });

  it('refuses a second live connection of the same pair and names the existing one', async () => {
    const scope = freshScope();
    const first = (await repo.create({ scope, input: appOnServer, actor: 'u' })).connection;

    const second = repo.create({ scope, input: appOnServer, actor: 'u' });

    await expect(second).rejects.toBeInstanceOf(DuplicateConnectionError);
    await expect(second).rejects.toMatchObject({ extensions: { existingConnectionId: first.id } });
  });

  it('lets exactly one of many simultaneous identical creates succeed', async () => {
    const scope = freshScope();

    const results = await Promise.allSettled(
      Array.from({ length: 25 }, () => repo.create({ scope, input: appOnServer, actor: 'u' })),
    );

    const created = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(created).toHaveLength(1);
    expect(refused.every((r) => r.reason instanceof DuplicateConnectionError)).toBe(true);
    expect((await repo.list({ scope, query: {} })).items).toHaveLength(1);
  });

  it('keeps the same pair apart across projects and environments', async () => {
    const scope = freshScope();
    await repo.create({ scope, input: appOnServer, actor: 'u' });

    await repo.create({ scope: { ...scope, environmentSlug: 'other' }, input: appOnServer, actor: 'u' });
    await repo.create({ scope: freshScope(), input: appOnServer, actor: 'u' });

    expect((await repo.list({ scope, query: {} })).items).toHaveLength(1);
  });
});

describe('update', () => {
  it('moves the status along the transition table, one version per change, with history', async () => {
    const scope = freshScope();
    const { id } = (await repo.create({ scope, input: appOnServer, actor: 'creator' })).connection;

    const connecting = (await repo.update({ scope, id, patch: { status: 'connecting' }, actor: 'worker' })).connection;
    const connected = (
      await repo.update({ scope, id, patch: { status: 'connected', statusReason: 'done' }, actor: 'worker' })
    ).connection;

    expect(connecting).toMatchObject({ status: 'connecting', version: 2, updatedBy: 'worker', createdBy: 'creator' });
    expect(connected).toMatchObject({ status: 'connected', statusReason: 'done', version: 3 });
    const history = (await itemsUnder(keys.connection(scope, id).pk)).filter((i) => i.action);
    expect(history.map((h) => [h.version, h.action])).toEqual([
      [1, 'created'],
      [2, 'updated'],
      [3, 'updated'],
    ]);
    expect(JSON.parse(String(history[2]!.changesJson))).toEqual({
      status: { from: 'connecting', to: 'connected' },
      statusReason: { from: null, to: 'done' },
      // connected waits for nothing: its deadline is gone.
      statusDeadline: { from: connecting.statusDeadline, to: null },
    });
  });

  it('treats setting the status it already has as a successful no-op', async () => {
    const scope = freshScope();
    const created = (await repo.create({ scope, input: appOnServer, actor: 'u' })).connection;

    const same = (await repo.update({ scope, id: created.id, patch: { status: 'pending' }, actor: 'u' })).connection;

    expect(same).toEqual(created);
  });

  it('refuses a move the table does not allow, with from, to and allowed, and changes nothing', async () => {
    const scope = freshScope();
    const created = (await repo.create({ scope, input: appOnServer, actor: 'u' })).connection;

    const refused = repo.update({
      scope,
      id: created.id,
      patch: { status: 'connected', details: { a: 1 } },
      actor: 'u',
    });

    await expect(refused).rejects.toBeInstanceOf(InvalidStatusTransitionError);
    await expect(refused).rejects.toMatchObject({
      extensions: { from: 'pending', to: 'connected', allowed: ['connecting', 'failed', 'disconnected'] },
    });
    expect(await repo.get({ scope, id: created.id })).toEqual(created);
  });

  it('merges details as a JSON Merge Patch and refuses a merge that grows past 4 KiB', async () => {
    const scope = freshScope();
    const { id } = (
      await repo.create({
        scope,
        input: { ...appOnServer, details: { port: 80, env: { A: '1', B: '2' } } },
        actor: 'u',
      })
    ).connection;

    const merged = (
      await repo.update({ scope, id, patch: { details: { port: null, env: { B: '3' }, tls: true } }, actor: 'u' })
    ).connection;
    const tooBig = repo.update({ scope, id, patch: { details: { blob: 'x'.repeat(4090) } }, actor: 'u' });

    expect(merged.details).toEqual({ env: { A: '1', B: '3' }, tls: true });
    await expect(tooBig).rejects.toBeInstanceOf(ValidationError);
    expect((await repo.get({ scope, id })).details).toEqual(merged.details);
  });

  it('applies If-Match only to the version named, and answers 412 with the current version otherwise', async () => {
    const scope = freshScope();
    const { id } = (await repo.create({ scope, input: appOnServer, actor: 'u' })).connection;

    const updated = (await repo.update({ scope, id, patch: { statusReason: 'a' }, actor: 'u', ifMatch: [1] }))
      .connection;
    const stale = repo.update({ scope, id, patch: { statusReason: 'b' }, actor: 'u', ifMatch: [1] });

    expect(updated.version).toBe(2);
    await expect(stale).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(stale).rejects.toMatchObject({ extensions: { currentVersion: 2 } });
  });

  it('lets one of many simultaneous updates with the same If-Match win and refuses the rest with 412', async () => {
    const scope = freshScope();
    const { id } = (await repo.create({ scope, input: appOnServer, actor: 'u' })).connection;

    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        repo.update({ scope, id, patch: { statusReason: `r${i}` }, actor: 'u', ifMatch: [1] }),
      ),
    );

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 'rejected').every((r) => r.reason instanceof PreconditionFailedError),
    ).toBe(true);
    expect((await repo.get({ scope, id })).version).toBe(2);
  });

  it('applies every one of many simultaneous updates without If-Match, one version each', async () => {
    const scope = freshScope();
    const { id } = (await repo.create({ scope, input: appOnServer, actor: 'u' })).connection;

    await Promise.all(
      Array.from({ length: 4 }, (_, i) => repo.update({ scope, id, patch: { details: { [`k${i}`]: i } }, actor: 'u' })),
    );

    const final = await repo.get({ scope, id });
    expect(final.version).toBe(5);
    expect(final.details).toEqual({ k0: 0, k1: 1, k2: 2, k3: 3 });
  });

  it('answers 404 for a connection that does not exist or belongs to another scope', async () => {
    const scope = freshScope();
    const { id } = (await repo.create({ scope, input: appOnServer, actor: 'u' })).connection;

    await expect(
      repo.update({ scope: freshScope(), id, patch: { status: 'failed' }, actor: 'u' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(repo.get({ scope: { ...scope, environmentSlug: 'prod' }, id })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('delete', () => {
  it('soft-deletes: hidden from gets and lists, kept with deletedAt, pair free again, second delete 404', async () => {
    const scope = freshScope();
    const first = (await repo.create({ scope, input: appOnServer, actor: 'u' })).connection;

    await repo.delete({ scope, id: first.id, actor: 'remover' });

    await expect(repo.get({ scope, id: first.id })).rejects.toBeInstanceOf(NotFoundError);
    const kept = await repo.get({ scope, id: first.id, includeDeleted: true });
    expect(kept).toMatchObject({ version: 2, updatedBy: 'remover', deletedAt: expect.any(String) });
    expect((await repo.list({ scope, query: {} })).items).toEqual([]);
    const again = (await repo.create({ scope, input: appOnServer, actor: 'u' })).connection;
    expect(again.id).not.toBe(first.id);
    await expect(repo.delete({ scope, id: first.id, actor: 'u' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(repo.update({ scope, id: first.id, patch: { status: 'failed' }, actor: 'u' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('honours If-Match', async () => {
    const scope = freshScope();
    const { id } = (await repo.create({ scope, input: appOnServer, actor: 'u' })).connection;

    await expect(repo.delete({ scope, id, actor: 'u', ifMatch: [7] })).rejects.toBeInstanceOf(PreconditionFailedError);
    await repo.delete({ scope, id, actor: 'u', ifMatch: [1] });

    await expect(repo.get({ scope, id })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('leaves a consistent connection when a delete races patches: versions, history and guard agree', async () => {
    for (let round = 0; round < 5; round++) {
      const scope = freshScope();
      const { id } = (await repo.create({ scope, input: appOnServer, actor: 'u' })).connection;

      await Promise.allSettled([
        repo.update({ scope, id, patch: { status: 'connecting' }, actor: 'u' }),
        repo.delete({ scope, id, actor: 'u' }),
        repo.update({ scope, id, patch: { statusReason: 'racing' }, actor: 'u' }),
      ]);

      const final = await repo.get({ scope, id, includeDeleted: true });
      const history = (await itemsUnder(keys.connection(scope, id).pk)).filter((i) => i.action);
      const guard = await itemsUnder(
        keys.pairGuard(scope, { type: 'application', id: 'app-1' }, { type: 'instance', id: 'i-1' }).pk,
      );
      expect(final.deletedAt).toBeDefined();
      expect(history.map((h) => h.version)).toEqual(Array.from({ length: final.version }, (_, i) => i + 1));
      expect(history.filter((h) => h.action === 'deleted')).toHaveLength(1);
      expect(guard).toEqual([]);
    }
  });

  it('never leaves two live connections when a pair is deleted and re-created concurrently', async () => {
    const scope = freshScope();
    const { id } = (await repo.create({ scope, input: appOnServer, actor: 'u' })).connection;

    await Promise.allSettled([
      repo.delete({ scope, id, actor: 'u' }),
      ...Array.from({ length: 5 }, () => repo.create({ scope, input: appOnServer, actor: 'u' })),
    ]);

    expect((await repo.list({ scope, query: {} })).items.length).toBeLessThanOrEqual(1);
  });
});
