/**
 * The deadline sweep against DynamoDB Local: what it fails and how (a new version, its history
 * entry and its stream event, as system:deadline), what it reads (the deadline index and the due
 * connections, nothing else), its bound per run and how the next run resumes, and the races a
 * worker's heartbeat or PATCH can run with it. Every file has a table of its own, which matters here:
 * a sweep covers the whole table, so the other files' connections must not be in it.
 */
import { randomBytes } from 'node:crypto';
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadlineAfter } from '#domain/decisions.ts';
import { InvalidStatusTransitionError, ValidationError } from '#model/errors.ts';
import type { UpdateConnectionInput } from '#model/inputs.ts';
import type { Connection } from '#model/representations.ts';
import type { Scope } from '#model/vocabulary.ts';
import { createDocumentClient } from '#store/client.ts';
import { deadlineSweepKeys, keys } from '#store/keys.ts';
import { sweepDeadlines, type SweepOptions } from '#store/patterns/deadlines.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { sequencedRecord } from '../../functions/events/publisher.ts';
import { toConnectionEvent } from '../../functions/events/events.ts';
import { enableStream } from '../../local/environment.ts';
import { followStream, type StreamFollower } from '../../local/stream-events.ts';
import { freshScope, pageTokenSecret, tableName } from '../support/integration.ts';
import { itemReader } from '#store/details.ts';
import { DEFAULT_LAYOUT } from '#store/table-definition.ts';
import { ShardDirectory } from '#store/shards.ts';

const endpoint = process.env.DYNAMODB_ENDPOINT!;
/** The sweep's client, which the tests watch and step into; the workers have their own. */
const sweepClient = createDocumentClient(endpoint);
const sweepTable = {
  client: sweepClient,
  tableName,
  pageTokenSecret,
  layout: DEFAULT_LAYOUT,
  shards: new ShardDirectory({ client: sweepClient, tableName }, DEFAULT_LAYOUT.shards),
};
const sweep = (options: SweepOptions) => sweepDeadlines(sweepTable, options);
const worker = new ConnectionRepository({ client: createDocumentClient(endpoint), tableName, pageTokenSecret });
let stream: StreamFollower;
const records: StreamRecord[] = [];

beforeAll(async () => {
  await enableStream(endpoint, tableName);
  stream = await followStream(endpoint, tableName, async (batch) => void records.push(...batch));
});
afterAll(async () => {
  await stream?.stop();
});

const pair = (n: number | string) => ({
  sourceResourceType: 'application' as const,
  sourceResourceId: `app-${n}`,
  targetResourceType: 'instance' as const,
  targetResourceId: 'i-1',
});

/** `seconds` from the real now: the sweep is told the time, so no test waits for a deadline. */
const later = (seconds: number) => deadlineAfter(new Date().toISOString(), seconds);

async function createConnecting(scope: Scope, n: number | string, deadlineSeconds?: number): Promise<Connection> {
  const { connection } = await worker.create({ scope, input: pair(n), actor: 'creator' });
  const patch = { status: 'connecting' as const, ...(deadlineSeconds ? { deadlineSeconds } : {}) };
  return (await worker.update({ scope, id: connection.id, patch, actor: 'worker' })).connection;
}

const historyOf = async (scope: Scope, id: string) =>
  (await worker.history({ scope, id, query: { limit: 100 } })).items;
const sweepEntries = async (scope: Scope, id: string) =>
  (await historyOf(scope, id)).filter((entry) => entry.actor === 'system:deadline');

/** Runs `step` once, just before the sweep client's next call of `operation` goes out. */
function beforeNext(client: DynamoDBDocumentClient, operation: string, step: () => Promise<unknown>): void {
  const name = `before-${operation}-${randomBytes(3).toString('hex')}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (String(context.commandName) === `${operation}Command`) {
        client.middlewareStack.remove(name);
        await step();
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
}

/** Every call the sweep client sends while `run` runs: its operation and, for a Query, its index. */
async function callsDuring<T>(run: () => Promise<T>): Promise<{ result: T; calls: string[] }> {
  const calls: string[] = [];
  const name = `calls-${randomBytes(3).toString('hex')}`;
  sweepClient.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { IndexName?: string };
      calls.push(
        `${String(context.commandName).replace(/Command$/, '')}${input.IndexName ? `:${input.IndexName}` : ''}`,
      );
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    return { result: await run(), calls };
  } finally {
    sweepClient.middlewareStack.remove(name);
  }
}

describe('a sweep', () => {
  it('fails each connection whose deadline has passed as system:deadline, naming the status and since when', async () => {
    const scope = freshScope();
    const { connection: pending } = await worker.create({
      scope,
      input: { ...pair('p'), deadlineSeconds: 5 },
      actor: 'u',
    });
    const connecting = await createConnecting(scope, 'c', 60);
    const connected = await createConnecting(scope, 'done');
    await worker.update({ scope, id: connected.id, patch: { status: 'connected' }, actor: 'worker' });

    const first = await sweep({ now: later(30) });

    expect(first).toMatchObject({ failed: 1, skipped: 0, backlog: 0, errors: 0 });
    const failed = await worker.get({ scope, id: pending.id });
    expect(failed).toMatchObject({
      status: 'failed',
      statusReason: `deadline passed: pending since ${pending.createdAt}`,
      statusDeadline: null,
      version: 2,
      updatedBy: 'system:deadline',
    });
    expect((await worker.get({ scope, id: connecting.id })).status).toBe('connecting');

    await sweep({ now: later(120) });

    expect(await worker.get({ scope, id: connecting.id })).toMatchObject({
      status: 'failed',
      statusReason: `deadline passed: connecting since ${connecting.updatedAt}`,
      version: 3,
    });
    expect((await worker.get({ scope, id: connected.id })).status).toBe('connected');
    const [entry] = await sweepEntries(scope, pending.id);
    expect(entry).toMatchObject({
      version: 2,
      action: 'updated',
      changes: {
        status: { from: 'pending', to: 'failed' },
        statusReason: { from: null, to: failed.statusReason },
        statusDeadline: { from: pending.statusDeadline, to: null },
      },
    });
  });

  it('makes its change a Connection Status Changed event from the stream, like any caller’s', async () => {
    const scope = freshScope();
    const { connection } = await worker.create({ scope, input: { ...pair('e'), deadlineSeconds: 5 }, actor: 'u' });

    await sweep({ now: later(10) });

    const pk = keys.connection(scope, connection.id).pk;
    const read = itemReader({ client: sweepClient, tableName });
    let events: Awaited<ReturnType<typeof toConnectionEvent>>[] = [];
    for (let waited = 0; events.length < 2 && waited < 15_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      events = await Promise.all(
        records
          .filter((r) => r.dynamodb?.Keys?.pk?.S === pk && r.dynamodb.Keys.sk?.S === 'CONNECTION')
          .map((r) => toConnectionEvent(sequencedRecord(r as never), read)),
      );
    }
    expect(events.map((e) => e?.detailType)).toEqual(['Connection Created', 'Connection Status Changed']);
    expect(events[1]!.detail).toMatchObject({
      version: 2,
      actor: 'system:deadline',
      previousStatus: 'pending',
      connection: { id: connection.id, status: 'failed', statusDeadline: null },
      changes: { status: { from: 'pending', to: 'failed' } },
    });
  });

  it('reads the deadline index and the due connections only: no Scan, no other index, no connection not due', async () => {
    const scope = freshScope();
    const due = await Promise.all([1, 2, 3].map((n) => createConnecting(scope, `due-${n}`, 5)));
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => createConnecting(scope, `waiting-${n}`, 3600)));

    const { result, calls } = await callsDuring(() => sweep({ now: later(60) }));

    expect(result).toMatchObject({
      failed: 3,
      examined: 3,
      backlog: 0,
      queries: deadlineSweepKeys.partitions().length,
    });
    expect(new Set(calls)).toEqual(new Set(['Query:byDeadline', 'Query', 'GetItem', 'TransactWriteItems']));
    // One consistent read (a Query of the connection's partition) and one transaction per due
    // connection; one Query per shard; the environment's shard count, read once.
    expect(calls.filter((c) => c === 'Query')).toHaveLength(due.length);
    expect(calls.filter((c) => c === 'GetItem')).toHaveLength(1);
    expect(calls.filter((c) => c === 'TransactWriteItems')).toHaveLength(due.length);
  });

  it('leaves a soft-deleted connection out: it waits for nothing', async () => {
    const scope = freshScope();
    const made = await createConnecting(scope, 'deleted', 5);
    await worker.delete({ scope, id: made.id, actor: 'u' });

    const result = await sweep({ now: later(60) });

    expect(result).toMatchObject({ failed: 0, examined: 0 });
    expect(await worker.get({ scope, id: made.id, includeDeleted: true })).toMatchObject({
      status: 'connecting',
      statusDeadline: null,
    });
  });
});

describe('bounded work per run', () => {
  it('takes at most its limit, counts what it left, and the next runs go on until none is due', async () => {
    const scope = freshScope();
    const made = await Promise.all(Array.from({ length: 30 }, (_, n) => createConnecting(scope, `bulk-${n}`, 5)));
    const now = later(60);

    const runs = [];
    for (let run = 0; run < 4; run++) runs.push(await sweep({ now, limit: 12 }));

    expect(runs.map((r) => [r.failed, r.backlog])).toEqual([
      [12, 18],
      [12, 6],
      [6, 0],
      [0, 0],
    ]);
    // Each failed exactly once, by exactly one run.
    for (const c of made) expect(await sweepEntries(scope, c.id)).toHaveLength(1);
  });

  it('takes no new work once its time is up, and says how much is due', async () => {
    const scope = freshScope();
    await Promise.all([1, 2, 3, 4].map((n) => createConnecting(scope, `late-${n}`, 5)));

    const result = await sweep({ now: later(60), stopAt: Date.now() });

    expect(result).toMatchObject({ failed: 0, backlog: 4 });
    expect(await sweep({ now: later(60) })).toMatchObject({ failed: 4, backlog: 0 });
  });
});

describe('a run that meets errors', () => {
  /** Fails the sweep client's TransactWriteItems calls with `error` while `run` runs, `times` times at most. */
  async function failingWrites<T>(error: () => Error, times: number, run: () => Promise<T>): Promise<T> {
    const name = `fail-${randomBytes(3).toString('hex')}`;
    let left = times;
    sweepClient.middlewareStack.add(
      (next, context) => async (args) => {
        if (String(context.commandName) === 'TransactWriteItemsCommand' && left-- > 0) throw error();
        return next(args);
      },
      { step: 'initialize', name },
    );
    try {
      return await run();
    } finally {
      sweepClient.middlewareStack.remove(name);
    }
  }

  it('stops taking work when the database throttles, reports it, and the next run does the rest', async () => {
    const scope = freshScope();
    await Promise.all(Array.from({ length: 30 }, (_, n) => createConnecting(scope, `thr-${n}`, 5)));
    const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

    const result = await failingWrites(throttled, 1000, () => sweep({ now: later(60) }));

    // The first batch (25 at a time) met the throttling; no second batch was started. Each write
    // gave up within its budget (3 tries), as any throttled write does: 503 for a caller.
    expect(result).toMatchObject({ failed: 0, errors: 25, backlog: 30 });
    expect((result.firstError as Error).name).toBe('ServiceUnavailableError');
    expect(await sweep({ now: later(60) })).toMatchObject({ failed: 30, errors: 0, backlog: 0 });
  });

  it('goes on past a connection it cannot change for another reason, and leaves that one due', async () => {
    const scope = freshScope();
    await Promise.all(Array.from({ length: 5 }, (_, n) => createConnecting(scope, `odd-${n}`, 5)));

    const result = await failingWrites(
      () => new Error('something unexpected'),
      1,
      () => sweep({ now: later(60) }),
    );

    expect(result).toMatchObject({ failed: 4, errors: 1, backlog: 1 });
    expect(await sweep({ now: later(60) })).toMatchObject({ failed: 1, backlog: 0 });
  });
});

describe('a heartbeat that lands while the sweep works', () => {
  it.each([
    ['the index: its consistent read sees the new deadline', 'GetItem'],
    ['the connection: its write fails on the version, and the re-read sees the new deadline', 'TransactWriteItems'],
  ])('after the sweep read %s, and it leaves the connection', async (_, operation) => {
    const scope = freshScope();
    const made = await createConnecting(scope, `hb-${operation}`, 5);
    let beat: Connection | undefined;
    beforeNext(sweepClient, operation, async () => {
      beat = (await worker.update({ scope, id: made.id, patch: { deadlineSeconds: 3600 }, actor: 'worker' }))
        .connection;
    });

    const result = await sweep({ now: later(60) });

    expect(result).toMatchObject({ failed: 0, skipped: 1 });
    expect(await worker.get({ scope, id: made.id })).toEqual(beat);
    expect((await historyOf(scope, made.id)).map((h) => h.actor)).toEqual(['creator', 'worker', 'worker']);
  });

  it('a details change does not move the deadline: the sweep reads again and fails the newer version', async () => {
    const scope = freshScope();
    const made = await createConnecting(scope, 'details', 5);
    beforeNext(sweepClient, 'TransactWriteItems', () =>
      worker.update({ scope, id: made.id, patch: { details: { step: 'dns' } }, actor: 'worker' }),
    );

    await sweep({ now: later(60) });

    expect(await worker.get({ scope, id: made.id })).toMatchObject({
      status: 'failed',
      version: 4,
      details: { step: 'dns' },
    });
  });
});

/**
 * The race, many times: a worker's PATCH and a sweep run start together on connections whose
 * deadline has passed (for the sweep), the worker a random few milliseconds early or late. Each
 * connection ends with exactly one winner, and the loser's answer says so.
 */
describe('a worker and the sweep racing on one connection', () => {
  const ROUNDS = 25;
  const PER_ROUND = 8;
  const jitter = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * ms));

  /**
   * ROUNDS × PER_ROUND races of the worker's `patch` against one sweep run per round. For each
   * connection: if the worker's change stands, it was answered and no sweep entry exists; otherwise
   * the sweep failed it at version 3, once, and the worker was refused with `refusal`. Both
   * outcomes must occur, or the test did not race them.
   */
  async function race(patch: UpdateConnectionInput, refusal: new (...args: never[]) => Error): Promise<void> {
    const outcomes = { worker: 0, sweep: 0 };
    // The sweep reads its shards before it changes anything, so the worker starts within about twice
    // the last run's time: on a busy machine the window widens with the sweep, and both still win.
    let sweepMs = 40;
    for (let round = 0; round < ROUNDS; round++) {
      const scope = freshScope();
      const made = await Promise.all(Array.from({ length: PER_ROUND }, (_, n) => createConnecting(scope, n, 5)));
      const window = 2 * sweepMs;
      const [answers] = await Promise.all([
        Promise.allSettled(
          made.map(async (c) => {
            await jitter(window);
            return worker.update({ scope, id: c.id, patch, actor: 'worker' });
          }),
        ),
        jitter(10).then(async () => {
          const started = Date.now();
          await sweep({ now: later(60) });
          sweepMs = Date.now() - started;
        }),
      ]);
      for (const [i, c] of made.entries()) {
        const final = await worker.get({ scope, id: c.id });
        const history = await historyOf(scope, c.id);
        const swept = history.filter((h) => h.actor === 'system:deadline');
        const answer = answers[i]!;
        expect(history).toHaveLength(3);
        if (final.status !== 'failed') {
          outcomes.worker++;
          expect(answer.status === 'fulfilled' && answer.value.connection).toEqual(final);
          expect(swept).toEqual([]);
        } else {
          outcomes.sweep++;
          expect(final).toMatchObject({ updatedBy: 'system:deadline', version: 3 });
          expect(answer.status === 'rejected' && answer.reason).toBeInstanceOf(refusal);
          expect(swept).toHaveLength(1);
        }
      }
    }
    expect(outcomes.worker, JSON.stringify(outcomes)).toBeGreaterThan(0);
    expect(outcomes.sweep, JSON.stringify(outcomes)).toBeGreaterThan(0);
  }

  it(`has exactly one winner when the worker reports connected (${ROUNDS * PER_ROUND} races)`, async () => {
    // Failed first, the worker's move is refused: failed cannot become connected.
    await race({ status: 'connected' }, InvalidStatusTransitionError);
  }, 120_000);

  it(`has exactly one winner when the worker sends a heartbeat (${ROUNDS * PER_ROUND} races)`, async () => {
    // Failed first, the heartbeat is refused: nothing waits for the worker any more.
    await race({ deadlineSeconds: 3600 }, ValidationError);
  }, 120_000);
});
