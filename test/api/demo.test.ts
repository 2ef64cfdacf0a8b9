/**
 * `npm run demo` against the API under test: the mix of shapes and statuses it promises, made
 * through the API (so each connection has its history), the page's link, and a second run that
 * adds nothing.
 */
import { execFile } from 'node:child_process';
import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { baseUrl, call, canMintTokens, freshEnvironment, project, token } from '../support/api.ts';

const demo = (args: string[], env: Record<string, string> = {}) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(
      'npm',
      ['run', '-s', 'demo', '--', ...args],
      { env: { ...process.env, RC_URL: '', RC_TOKEN: '', RC_PROJECT: '', RC_ENV: '', ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    ),
  );

describe('npm run demo', { timeout: 240_000 }, () => {
  it('fills an environment with the mix it promises through the API; a second run adds nothing', async () => {
    const environment = freshEnvironment();
    const where = ['--url', baseUrl, '--project', project, '--env', environment];

    const first = await demo([...where, '--token', token(), '--connections', '40', '--concurrency', '4']);

    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^demo: created 40 \(.*\) in [\d.]+ s, [\d.]+ per second; 0 already there$/m);
    expect(first.stdout).toMatch(/^demo: 40\/40$/m);
    expect(first.stdout).toContain(`${baseUrl}/topology#project=${project}&env=${environment}`);

    const graph = (await call('GET', `/api/${project}/${environment}/graph?limit=1000`)).body;
    const count = (status: string) => graph.edges.filter((e: { status: string }) => e.status === status).length;
    expect(graph.edges).toHaveLength(40);
    expect(['connected', 'pending', 'connecting', 'failed', 'disconnected'].map(count)).toEqual([33, 3, 2, 1, 1]);
    expect(new Set(graph.nodes.map((n: { resourceType: string }) => n.resourceType)).size).toBe(8);
    expect(first.stdout).toContain('(3 pending, 2 connecting, 33 connected, 1 failed, 1 disconnected)');

    const list = (query: string) =>
      call('GET', `/api/${project}/${environment}/resource-connections?${query}`).then((a) => a.body.items);
    const [failed] = await list('status=failed');
    expect(failed.statusReason).toBeTruthy();
    // Left waiting for a week, so the picture stays as it was seeded.
    for (const waiting of [...(await list('status=pending')), ...(await list('status=connecting'))]) {
      expect(Date.parse(waiting.statusDeadline) - Date.now()).toBeGreaterThan(6 * 24 * 3600 * 1000);
    }
    const [disconnected] = await list('status=disconnected');
    const history = (
      await call('GET', `/api/${project}/${environment}/resource-connections/${disconnected.id}/history`)
    ).body.items;
    expect(history.map((h: { changes: { status?: { to: string } } }) => h.changes.status?.to)).toEqual([
      'pending',
      'connecting',
      'connected',
      'disconnected',
    ]);

    // Locally it mints its own token, and the link carries one that only reads this environment.
    const again = canMintTokens
      ? await demo([...where, '--connections', '40'], { LOCAL_JWT_SECRET: inject('jwtSecret')! })
      : await demo([...where, '--token', token(), '--connections', '40']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^demo: created 0 \(none\) in .*; 40 already there$/m);
    if (canMintTokens)
      expect(again.stdout).toMatch(new RegExp(`/topology#project=${project}&env=${environment}&token=\\S+$`, 'm'));
    expect((await call('GET', `/api/${project}/${environment}/graph?limit=1000`)).body.edges).toHaveLength(40);
  });

  it('refuses a bad number before sending anything: exit 2, one line and where to find the usage', async () => {
    const environment = freshEnvironment();
    const run = await demo([
      '--url',
      baseUrl,
      '--token',
      token(),
      '--project',
      project,
      '--env',
      environment,
      '--connections',
      '0',
    ]);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "demo: --connections takes a whole number from 1 to 100000, not '0'\n(npm run demo -- --help for usage)\n",
    );
    expect((await call('GET', `/api/${project}/${environment}/graph`)).body.edges).toEqual([]);
  });
});
