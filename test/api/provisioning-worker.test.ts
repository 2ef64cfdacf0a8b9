/**
 * The example provisioning worker (examples/provisioning-worker.ts) against the local server, fed by
 * its events file: three workers race on every event; each connection is claimed once, provisioned
 * once and ends connected or failed, with no update lost.
 */
import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { ResourceConnections } from '../../client/src/index.ts';
import { runWorker } from '../../examples/provisioning-worker.ts';
import { baseUrl, freshEnvironment, project, token } from '../support/api.ts';

const eventsFile = inject('eventsFile');

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
});
