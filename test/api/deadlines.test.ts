/**
 * Deadlines over real HTTP (docs/api.md, Deadlines): `statusDeadline` on every representation, the
 * 400s of `deadlineSeconds`, heartbeats, and a short deadline enforced by the service's own sweep
 * (every few seconds under `npm start`, every minute in AWS) with its history entry and its event.
 * The exact deadlines assume the default settings (pending 1 hour, connecting 15 minutes).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import {
  appOnServer,
  call,
  canMintTokens,
  connectionsPath,
  expectProblem,
  freshEnvironment,
  type Answer,
} from '../support/api.ts';

const eventsFile = inject('eventsFile');
/** How soon after its deadline a connection has failed: docs/api.md, Deadlines (10 s locally, 2 min in AWS). */
const ENFORCED_WITHIN_MS = canMintTokens ? 10_000 : 120_000;

const plus = (time: string, seconds: number) => new Date(Date.parse(time) + seconds * 1000).toISOString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function created(env: string, extra: Record<string, unknown> = {}, app = 'app-1') {
  const answer = await call('POST', connectionsPath(env), { json: { ...appOnServer(app), ...extra } });
  expect(answer.status, answer.text).toBe(201);
  return { body: answer.body, url: `${connectionsPath(env)}/${answer.body.id}` };
}

async function patched(url: string, json: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const answer = await call('PATCH', url, { json, headers });
  expect(answer.status, answer.text).toBe(200);
  return answer;
}

/** Reads the connection until it has failed, or gives up `withinMs` after `deadline`. */
async function failedBy(url: string, deadline: string, withinMs: number) {
  for (;;) {
    const { body } = await call('GET', url);
    if (body.status === 'failed') return { connection: body, observedAt: Date.now() };
    if (Date.now() > Date.parse(deadline) + withinMs) return { connection: body, observedAt: Date.now() };
    await sleep(250);
  }
}

describe('statusDeadline in the representation', () => {
  it('is an hour after a create, 15 minutes after entering connecting, and null once connected', async () => {
    const env = freshEnvironment();
    const { body, url } = await created(env);
    expect(body.statusDeadline).toBe(plus(body.createdAt, 3600));

    const connecting = (await patched(url, { status: 'connecting' })).body;
    expect(connecting.statusDeadline).toBe(plus(connecting.updatedAt, 900));
    const listed = (await call('GET', connectionsPath(env))).body.items;
    expect(listed.map((c: { statusDeadline: string }) => c.statusDeadline)).toEqual([connecting.statusDeadline]);

    const connected = (await patched(url, { status: 'connected' })).body;
    expect(connected.statusDeadline).toBeNull();
  });

  it('takes deadlineSeconds from the create or the PATCH that enters the status', async () => {
    const env = freshEnvironment();
    const { body, url } = await created(env, { deadlineSeconds: 30 });
    expect(body.statusDeadline).toBe(plus(body.createdAt, 30));

    const connecting = (await patched(url, { status: 'connecting', deadlineSeconds: 600 })).body;
    expect(connecting.statusDeadline).toBe(plus(connecting.updatedAt, 600));
  });

  it('is null on a deleted connection, and a restore gives it a new pending deadline', async () => {
    const env = freshEnvironment();
    const { url } = await created(env);
    await patched(url, { status: 'connecting' });
    expect((await call('DELETE', url)).status).toBe(204);

    expect((await call('GET', `${url}?includeDeleted=true`)).body.statusDeadline).toBeNull();
    const restored = await call('POST', `${url}/restore`);
    expect(restored.body).toMatchObject({ status: 'pending', statusDeadline: plus(restored.body.updatedAt, 3600) });
  });
});

describe('deadlineSeconds refused', () => {
  it.each([4, 604_801, 10.5, '60', null, -5, 0])(
    '400 VALIDATION_FAILED for %j, in a create and a PATCH',
    async (value) => {
      const env = freshEnvironment();
      const problem = expectProblem(
        await call('POST', connectionsPath(env), { json: { ...appOnServer(), deadlineSeconds: value } }),
        400,
        'VALIDATION_FAILED',
      );
      expect(problem.errors.map((e: { path: string }) => e.path)).toEqual(['deadlineSeconds']);
      expect((await call('GET', connectionsPath(env))).body.items).toEqual([]);

      const { body, url } = await created(env);
      expectProblem(await call('PATCH', url, { json: { deadlineSeconds: value } }), 400, 'VALIDATION_FAILED');
      expect((await call('GET', url)).body).toEqual(body);
    },
  );

  it('400 in a status without a deadline, or with a move out of one, naming the field; nothing changes', async () => {
    const env = freshEnvironment();
    const { url } = await created(env);
    const connecting = (await patched(url, { status: 'connecting' })).body;

    const leaving = expectProblem(
      await call('PATCH', url, { json: { status: 'connected', deadlineSeconds: 60 } }),
      400,
      'VALIDATION_FAILED',
    );
    expect(leaving.errors).toEqual([
      {
        path: 'deadlineSeconds',
        message: 'applies only to a connection left pending or connecting; this one would be connected',
      },
    ]);
    expect((await call('GET', url)).body).toEqual(connecting);

    await patched(url, { status: 'connected' });
    expectProblem(await call('PATCH', url, { json: { deadlineSeconds: 60 } }), 400, 'VALIDATION_FAILED');
    expect((await call('GET', url)).body.version).toBe(3);
  });
});

describe('a heartbeat', () => {
  it('moves the deadline while the status stays: a new version, its history entry and its event', async () => {
    const env = freshEnvironment();
    const { url } = await created(env);
    const connecting = (await patched(url, { status: 'connecting' })).body;

    const beat = await patched(url, { deadlineSeconds: 120 });
    const again = await patched(url, { status: 'connecting', deadlineSeconds: 300 });

    expect(beat.body).toMatchObject({ status: 'connecting', version: 3 });
    expect(beat.body.statusDeadline).toBe(plus(beat.body.updatedAt, 120));
    expect(beat.headers.get('etag')).toBe('"3"');
    expect(again.body).toMatchObject({ status: 'connecting', version: 4 });
    expect(again.body.statusDeadline).toBe(plus(again.body.updatedAt, 300));
    const history = (await call('GET', `${url}/history`)).body.items;
    expect(history.at(-2)).toMatchObject({
      version: 3,
      action: 'updated',
      changes: { statusDeadline: { from: connecting.statusDeadline, to: beat.body.statusDeadline } },
    });
    expect(Object.keys(history.at(-2).changes)).toEqual(['statusDeadline']);
    if (eventsFile) {
      const updated = await eventsOf(connecting.id, (e) => e.detail.version === 3);
      expect(updated).toMatchObject({
        'detail-type': 'Connection Updated',
        detail: { changes: { statusDeadline: { to: beat.body.statusDeadline } } },
      });
    }
  });

  it('honours If-Match like any PATCH', async () => {
    const env = freshEnvironment();
    const { url } = await created(env);

    expectProblem(
      await call('PATCH', url, { json: { deadlineSeconds: 60 }, headers: { 'if-match': '"7"' } }),
      412,
      'PRECONDITION_FAILED',
    );
    expect((await patched(url, { deadlineSeconds: 60 }, { 'if-match': '"1"' })).body.version).toBe(2);
  });
});

describe('a deadline that passes', () => {
  it(
    `fails the connection within ${ENFORCED_WITHIN_MS / 1000} s, as system:deadline, with its history entry and event`,
    { timeout: ENFORCED_WITHIN_MS + 30_000 },
    async () => {
      const env = freshEnvironment();
      const { body, url } = await created(env, { deadlineSeconds: 5 });

      const { connection, observedAt } = await failedBy(url, body.statusDeadline, ENFORCED_WITHIN_MS);

      expect(connection).toMatchObject({
        status: 'failed',
        statusReason: `deadline passed: pending since ${body.createdAt}`,
        statusDeadline: null,
        updatedBy: 'system:deadline',
        version: 2,
      });
      const late = observedAt - Date.parse(body.statusDeadline);
      console.log(`deadline sweep: failure observed ${late} ms after the deadline`);
      expect(late).toBeLessThanOrEqual(ENFORCED_WITHIN_MS);
      expect(Date.parse(connection.updatedAt)).toBeGreaterThanOrEqual(Date.parse(body.statusDeadline));
      const history = (await call('GET', `${url}/history`)).body.items;
      expect(history.at(-1)).toMatchObject({
        version: 2,
        actor: 'system:deadline',
        action: 'updated',
        changes: { status: { from: 'pending', to: 'failed' } },
      });
      if (eventsFile) {
        const changed = await eventsOf(body.id, (e) => e.detail.version === 2);
        expect(changed).toMatchObject({
          'detail-type': 'Connection Status Changed',
          detail: { actor: 'system:deadline', previousStatus: 'pending', connection: { status: 'failed' } },
        });
      }
      // A worker that comes back late hears that nothing waits any more.
      expectProblem(await call('PATCH', url, { json: { deadlineSeconds: 60 } }), 400, 'VALIDATION_FAILED');
    },
  );

  it(
    'names connecting and when it was entered; heartbeats keep a connection alive past its first deadline',
    { timeout: ENFORCED_WITHIN_MS + 40_000 },
    async () => {
      const env = freshEnvironment();
      const { url } = await created(env);
      const entered = (await patched(url, { status: 'connecting', deadlineSeconds: 5 })).body;

      // Heartbeats of 5 s every 2 s, past the first deadline and a few sweeps.
      let last = entered;
      while (Date.now() < Date.parse(entered.statusDeadline) + (canMintTokens ? 6_000 : 70_000)) {
        await sleep(2000);
        last = (await patched(url, { deadlineSeconds: canMintTokens ? 5 : 90 })).body;
      }
      expect(last.status).toBe('connecting');

      const { connection } = await failedBy(url, last.statusDeadline, ENFORCED_WITHIN_MS);

      expect(connection).toMatchObject({
        status: 'failed',
        statusReason: `deadline passed: connecting since ${entered.updatedAt}`,
        version: last.version + 1,
      });
    },
  );
});

interface Envelope {
  'detail-type': string;
  detail: { connection: { id: string }; version: number; actor: string };
}

/** The first local event of the connection that matches, once it has arrived (the stream is polled). */
async function eventsOf(connectionId: string, match: (e: Envelope) => boolean): Promise<Envelope | undefined> {
  const find = () =>
    (existsSync(eventsFile!) ? readFileSync(eventsFile!, 'utf8') : '')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Envelope)
      .find((e) => e.detail.connection.id === connectionId && match(e));
  for (let waited = 0; !find() && waited < 10_000; waited += 100) await sleep(100);
  return find();
}
