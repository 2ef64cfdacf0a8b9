/**
 * The example provisioning worker (examples/provisioning-worker.ts) against the local server, fed by
 * its events file: three workers race on every event; each connection is claimed once, provisioned
 * once and ends connected or failed, with no update lost. It follows the file from its end unless
 * asked to replay it, skips connections deleted since, and runs as the command docs/cli.md gives.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { ResourceConnections, type Connection } from '../../client/src/index.ts';
import { runWorker } from '../../examples/provisioning-worker.ts';
import { baseUrl, freshEnvironment, project, token } from '../support/api.ts';

const eventsFile = inject('eventsFile');

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, ms = 20_000): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; await pause(100)) {
    const value = await check();
    if (value !== undefined) return value;
  }
  throw new Error(`gave up waiting for ${what}`);
}
/** Until the server has written this event of this connection to the events file. */
const written = (detailType: string, id: string) =>
  until(`${detailType} of ${id}`, () =>
    readFileSync(eventsFile!, 'utf8')
      .split('\n')
      .some((line) => line.includes(`"detail-type":"${detailType}"`) && line.includes(`"id":"${id}"`))
      ? true
      : undefined,
  );
const link = (app: string) =>
  ({
    sourceResourceType: 'application',
    sourceResourceId: app,
    targetResourceType: 'instance',
    targetResourceId: 'i-1',
  }) as const;

describe.runIf(eventsFile !== undefined)('the example provisioning worker', () => {
  it('takes every created connection to connected or failed, once, with concurrent workers', async () => {
    const client = new ResourceConnections({ baseUrl, project, environment: freshEnvironment(), token: () => token() });
    const worked: string[] = [];
    const stop = new AbortController();
    const workers = ['w1', 'w2', 'w3'].map((name) =>
      runWorker({
        client,
        eventsFile: eventsFile!,
        name,
        signal: stop.signal,
        work: async (connection) => {
          worked.push(connection.id);
          if (connection.sourceResourceId.startsWith('broken')) throw new Error('the instance has no capacity');
        },
      }),
    );
    const apps = ['app-1', 'app-2', 'broken-3', 'app-4', 'broken-5', 'app-6'];
    const created = await Promise.all(
      apps.map((app) =>
        client.connections.create({
          sourceResourceType: 'application',
          sourceResourceId: app,
          targetResourceType: 'instance',
          targetResourceId: 'i-1',
        }),
      ),
    );

    const settled = async () => {
      const all = await client.connections.list().toArray();
      return all.every((c) => c.status === 'connected' || c.status === 'failed') ? all : undefined;
    };
    let final: Awaited<ReturnType<typeof settled>>;
    for (let waited = 0; !(final = await settled()) && waited < 20_000; waited += 250) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    stop.abort();
    await Promise.all(workers);

    expect(final).toBeDefined();
    expect(worked.sort()).toEqual(created.map((c) => c.id).sort()); // each provisioned exactly once
    for (const c of final!) {
      const broken = c.sourceResourceId.startsWith('broken');
      expect(c).toMatchObject({
        status: broken ? 'failed' : 'connected',
        statusReason: broken ? 'the instance has no capacity' : `provisioned by ${c.details.worker}`,
        version: 3, // pending -> connecting -> outcome: no write was lost or repeated
      });
    }
  });

  it('keeps a long job alive with heartbeats: the deadline never passes while it works', async () => {
    const client = new ResourceConnections({ baseUrl, project, environment: freshEnvironment(), token: () => token() });
    const stop = new AbortController();
    // A 5 s deadline against 9 s of work: only the heartbeats (every 5/3 s) keep the local sweep,
    // which runs every 2 s, from failing it.
    const worker = runWorker({
      client,
      eventsFile: eventsFile!,
      name: 'slow',
      signal: stop.signal,
      heartbeatSeconds: 5,
      work: async () => void (await pause(9_000)),
    });
    const created = await client.connections.create(link('app-slow'));
    const done = await until(
      'the slow job to end',
      async () => {
        const c = await client.connections.get(created.id);
        return c.status === 'connected' || c.status === 'failed' ? c : undefined;
      },
      30_000,
    );
    stop.abort();
    await worker;

    expect(done).toMatchObject({ status: 'connected', statusReason: 'provisioned by slow', statusDeadline: null });
    const history = await client.connections.history(created.id).toArray();
    const beats = history.filter((h) => h.changes.statusDeadline && !h.changes.status);
    expect(beats.length).toBeGreaterThanOrEqual(3);
    expect(history.some((h) => h.actor === 'system:deadline')).toBe(false);
  }, 45_000);

  it('follows the file from its end: what happened before it started is not replayed', async () => {
    const client = new ResourceConnections({ baseUrl, project, environment: freshEnvironment(), token: () => token() });
    const before = await client.connections.create(link('app-before'));
    await written('Connection Created', before.id);

    const stop = new AbortController();
    const worked: string[] = [];
    const worker = runWorker({
      client,
      eventsFile: eventsFile!,
      name: 'w1',
      signal: stop.signal,
      work: async (c) => void worked.push(c.id),
    });
    const after = await client.connections.create(link('app-after'));
    await until('connected', async () =>
      (await client.connections.get(after.id)).status === 'connected' ? 1 : undefined,
    );
    stop.abort();
    await worker;

    expect(worked).toEqual([after.id]);
    expect(await client.connections.get(before.id)).toMatchObject({ status: 'pending', version: 1 });
  });

  it('replays from the start with fromStart, skipping a connection deleted since', async () => {
    const client = new ResourceConnections({ baseUrl, project, environment: freshEnvironment(), token: () => token() });
    const gone = await client.connections.create(link('app-gone'));
    const waiting = await client.connections.create(link('app-waiting'));
    await client.connections.delete(gone.id);
    await written('Connection Deleted', gone.id);

    const stop = new AbortController();
    const log: string[] = [];
    const worker = runWorker({
      client,
      eventsFile: eventsFile!,
      name: 'w1',
      fromStart: true,
      signal: stop.signal,
      work: async () => undefined,
      log: (line) => log.push(line),
    });
    await until('connected', async () =>
      (await client.connections.get(waiting.id)).status === 'connected' ? 1 : undefined,
    );
    stop.abort();
    await worker; // resolves: the 404 of the deleted connection did not end it

    expect(log).toContain(`skipped ${gone.id}: deleted since`);
    expect(await client.connections.get(gone.id, { includeDeleted: true })).toMatchObject({
      status: 'pending',
      version: 2,
    });
  });

  it('runs as a command, reports each connection, and stops on SIGTERM', async () => {
    const environment = freshEnvironment();
    const client = new ResourceConnections({ baseUrl, project, environment, token: () => token() });
    const worker = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'examples/provisioning-worker.ts',
        '--events-file',
        eventsFile!,
        '--name',
        'cmd',
        '--work-seconds',
        '0',
      ],
      { env: { ...process.env, RC_URL: baseUrl, RC_TOKEN: token(), RC_PROJECT: project, RC_ENV: environment } },
    );
    let stdout = '';
    worker.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    worker.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => worker.on('exit', (code) => resolve(code)));
    let created: Connection | undefined;
    try {
      await until('the worker to start', () => (stdout.includes('following') ? 1 : undefined), 30_000);
      expect(stdout).toContain(`cmd: following ${eventsFile} from its end for ${project}/${environment}`);
      created = await client.connections.create(link('app-cmd'));
      const id = created.id;
      const done = await until('connected', async () => {
        const c = await client.connections.get(id);
        return c.status === 'connected' ? c : undefined;
      });
      expect(done).toMatchObject({ statusReason: 'provisioned by cmd', details: { worker: 'cmd' }, version: 3 });
      await until('the report line', () => (stdout.includes(`cmd: connected ${id}`) ? 1 : undefined));
    } finally {
      worker.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stdout).toContain(`cmd: claimed ${created!.id} application/app-cmd -> instance/i-1`);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('cmd: stopped');
  });
});
