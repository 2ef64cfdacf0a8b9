/**
 * The typed client against the real local server (or API_URL): every method, paging through a few
 * hundred connections, typed errors, Idempotency-Key reuse, and modify under concurrent writers.
 */
import { describe, expect, it } from 'vitest';
import { ResourceConnections, isApiError, hasProblemCode, type Connection } from '../../client/src/index.ts';
import { baseUrl, freshEnvironment, project, token } from '../support/api.ts';

const clientFor = (environment = freshEnvironment()) =>
  new ResourceConnections({ baseUrl, project, environment, token: async () => token() });
const appOn = (app: string, server = 'i-1') =>
  ({
    sourceResourceType: 'application',
    sourceResourceId: app,
    targetResourceType: 'instance',
    targetResourceId: server,
  }) as const;

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('the typed client', { timeout: 180_000 }, () => {
  it('creates, gets, updates, deletes, restores and reads the history of a connection', async () => {
    const rc = clientFor();
    const created = await rc.connections.create({ ...appOn('app-1'), details: { port: 8080 } });
    expect(created).toMatchObject({ status: 'pending', version: 1, details: { port: 8080 } });

    expect(await rc.connections.get(created.id)).toEqual(created);
    const updated = await rc.connections.update(
      created.id,
      { status: 'connecting', details: { port: null } },
      { ifMatch: 1 },
    );
    expect(updated).toMatchObject({ status: 'connecting', version: 2, details: {} });

    await rc.connections.delete(created.id, { ifMatch: updated.version });
    expect(hasProblemCode(await thrown(rc.connections.get(created.id)), 'NOT_FOUND')).toBe(true);
    expect((await rc.connections.get(created.id, { includeDeleted: true })).deletedAt).toBeDefined();

    const restored = await rc.connections.restore(created.id);
    expect(restored).toMatchObject({ status: 'pending', version: 4 });
    expect(restored.deletedAt).toBeUndefined();

    const history = await rc.connections.history(created.id, { limit: 2 }).toArray();
    expect(history.map((entry) => [entry.version, entry.action])).toEqual([
      [1, 'created'],
      [2, 'updated'],
      [3, 'deleted'],
      [4, 'restored'],
    ]);
  });

  it('sends a heartbeat: the deadline moves, the status stays, If-Match applies, a failed connection refuses it', async () => {
    const rc = clientFor();
    const created = await rc.connections.create({ ...appOn('app-hb'), deadlineSeconds: 60 });
    const connecting = await rc.connections.update(created.id, { status: 'connecting' });

    const beat = await rc.connections.heartbeat(created.id, 300, { ifMatch: connecting.version });

    expect(beat).toMatchObject({ status: 'connecting', version: connecting.version + 1 });
    expect(Date.parse(beat.statusDeadline!)).toBe(Date.parse(beat.updatedAt) + 300_000);
    const stale = await thrown(rc.connections.heartbeat(created.id, 300, { ifMatch: connecting.version }));
    expect(hasProblemCode(stale, 'PRECONDITION_FAILED')).toBe(true);
    await rc.connections.update(created.id, { status: 'failed' });
    const late = await thrown(rc.connections.heartbeat(created.id, 300));
    expect(isApiError(late, 'updateConnection') && late.code === 'VALIDATION_FAILED' && late.errors).toEqual([
      expect.objectContaining({ path: 'deadlineSeconds' }),
    ]);
  });

  it('turns problems into typed errors discriminated by code', async () => {
    const rc = clientFor();
    const first = await rc.connections.create(appOn('app-1'));
    const duplicate = await thrown(rc.connections.create(appOn('app-1')));

    expect(isApiError(duplicate, 'createConnection')).toBe(true);
    if (isApiError(duplicate, 'createConnection') && duplicate.code === 'DUPLICATE_CONNECTION') {
      expect(duplicate.existingConnectionId).toBe(first.id);
      expect(duplicate.status).toBe(409);
      expect(duplicate.requestId).toBeTruthy();
    } else throw new Error(`expected DUPLICATE_CONNECTION, got ${String(duplicate)}`);

    const notAllowed = await thrown(
      rc.connections.create({ ...appOn('app-2'), targetResourceType: 'database' } as never),
    );
    expect(hasProblemCode(notAllowed, 'CONNECTION_NOT_ALLOWED') && notAllowed.allowedTargets).toEqual(['instance']);

    const stale = await thrown(rc.connections.update(first.id, { status: 'connecting' }, { ifMatch: 7 }));
    expect(hasProblemCode(stale, 'PRECONDITION_FAILED') && stale.currentVersion).toBe(1);

    const jump = await thrown(rc.connections.update(first.id, { status: 'connected' }));
    expect(hasProblemCode(jump, 'INVALID_STATUS_TRANSITION') && [jump.from, jump.to]).toEqual(['pending', 'connected']);

    const unauthenticated = new ResourceConnections({ baseUrl, project, environment: 'x', token: 'not-a-jwt' });
    expect(hasProblemCode(await thrown(unauthenticated.connections.list().toArray()), 'UNAUTHENTICATED')).toBe(true);
  });

  it('sends one Idempotency-Key per create and answers its replay with the same connection', async () => {
    const rc = clientFor();
    const key = `key-${Date.now()}`;
    const first = await rc.connections.create(appOn('app-1'), { idempotencyKey: key });
    const replay = await rc.connections.create(appOn('app-1'), { idempotencyKey: key });
    expect(replay).toEqual(first);
    const reused = await thrown(rc.connections.create(appOn('app-2'), { idempotencyKey: key }));
    expect(hasProblemCode(reused, 'IDEMPOTENCY_KEY_REUSED')).toBe(true);
  });

  it('pages through a few hundred connections, every one exactly once, with any filter', async () => {
    const rc = clientFor();
    const ids = new Set<string>();
    for (let batch = 0; batch < 6; batch++) {
      const made = await Promise.all(
        Array.from({ length: 50 }, (_, i) => rc.connections.create(appOn(`app-${batch * 50 + i}`, `i-${i % 3}`))),
      );
      for (const c of made) ids.add(c.id);
    }
    const seen: string[] = [];
    for await (const c of rc.connections.list({ limit: 37 })) seen.push(c.id);
    expect(seen).toHaveLength(300);
    expect(new Set(seen)).toEqual(ids);

    let pages = 0;
    for await (const page of rc.connections.list({ limit: 100 }).pages()) {
      pages++;
      expect(page.items.length).toBeLessThanOrEqual(100);
    }
    expect(pages).toBeGreaterThanOrEqual(3);

    const onServer = await rc.resources.connections('instance', 'i-0', { limit: 30 }).toArray();
    expect(onServer).toHaveLength(102); // i % 3 === 0 for 17 of every 50
    // A filter no index covers answers short or empty pages with a token: the iterator reads on.
    const sparse = await rc.connections
      .list({ sourceResourceType: 'application', status: 'pending', targetResourceType: 'instance', limit: 7 })
      .toArray();
    expect(sparse).toHaveLength(300);
  });

  it('modify re-reads and re-applies on 412, so concurrent writers lose no update', async () => {
    const rc = clientFor();
    const created = await rc.connections.create({ ...appOn('app-1'), details: { tally: [] } });
    const writers = Array.from({ length: 8 }, (_, writer) =>
      rc.connections.modify(
        created.id,
        (current: Connection) => ({
          details: { tally: [...((current.details.tally as number[]) ?? []), writer] },
        }),
        { attempts: 50 },
      ),
    );
    await Promise.all(writers);
    const final = await rc.connections.get(created.id);
    expect([...(final.details.tally as number[])].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(final.version).toBe(9);
    expect(await rc.connections.modify(created.id, () => undefined)).toEqual(final);
  });

  it('validates, lists the rules, and cascades until complete with progress', async () => {
    const rc = clientFor();
    expect(await rc.connections.validate(appOn('app-1'))).toEqual({ valid: true });
    const made = await rc.connections.create(appOn('app-1'));
    const refused = await rc.connections.validate(appOn('app-1'));
    expect(refused.valid).toBe(false);
    expect(refused.problem?.code === 'DUPLICATE_CONNECTION' && refused.problem.existingConnectionId).toBe(made.id);

    const rules = await rc.rules();
    expect(rules.rules.find((rule) => rule.sourceResourceType === 'application')?.targetResourceTypes).toEqual([
      'instance',
    ]);
    expect(await rc.health()).toEqual({ status: 'ok' });

    for (let i = 2; i <= 30; i++) await rc.connections.create(appOn(`app-${i}`));
    const progress: number[] = [];
    const result = await rc.resources.cascade('instance', 'i-1', { onProgress: (p) => progress.push(p.deleted) });
    expect(result).toMatchObject({ deleted: 30, complete: true });
    expect(progress.at(-1)).toBe(30);
    expect(await rc.connections.list().toArray()).toEqual([]);
  });

  it('aborts through the caller signal', async () => {
    const rc = clientFor();
    const error = await thrown(rc.connections.list({ signal: AbortSignal.abort() }).toArray());
    expect((error as Error).name).toBe('AbortError');
  });

  it("reads the graph page by page, merged, filtered, and as one resource's neighbourhood", async () => {
    const rc = clientFor();
    const made = await Promise.all(
      Array.from({ length: 24 }, (_, i) => rc.connections.create(appOn(`app-${i}`, `i-${i % 3}`))),
    );
    await rc.connections.create({
      sourceResourceType: 'instance',
      sourceResourceId: 'i-0',
      targetResourceType: 'database',
      targetResourceId: 'db-1',
    });
    await rc.connections.update(made[0]!.id, { status: 'connecting' });

    const seen: string[] = [];
    let pages = 0;
    for await (const page of rc.graph.edges({ limit: 7 }).pages()) {
      pages++;
      const keys = new Set(page.nodes.map((node) => node.key));
      for (const edge of page.edges) expect([keys.has(edge.source), keys.has(edge.target)]).toEqual([true, true]);
      seen.push(...page.edges.map((edge) => edge.id));
    }
    expect([seen.length, new Set(seen).size, pages >= 4]).toEqual([25, 25, true]);

    const whole = await rc.graph.all({ limit: 10 });
    const keys = whole.nodes.map((node) => node.key);
    expect(keys).toHaveLength(24 + 3 + 1);
    expect(keys).toEqual([...new Set(keys)].sort());
    expect((await rc.graph.edges({ status: 'connecting' }).toArray()).map((edge) => edge.id)).toEqual([made[0]!.id]);

    const near = await rc.graph.neighbourhood('database', 'db-1', { depth: 1 });
    expect([near.edges.map((edge) => edge.source), near.truncated]).toEqual([['instance/i-0'], false]);
    const far = await rc.graph.neighbourhood('database', 'db-1', { depth: 2, direction: 'in' });
    expect(far.edges).toHaveLength(1 + 8); // the database's server, and the 8 applications on i-0
    const error = await thrown(rc.graph.neighbourhood('database', 'db 1'));
    expect(hasProblemCode(error, 'VALIDATION_FAILED') && error.errors[0]?.path).toBe('resourceId');
  });
});
