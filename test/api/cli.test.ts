/**
 * The CLI as a process against the local server: each command's output and exit code. Most runs use
 * the esbuild bundle of the same code (a tenth of tsx's start-up time on a busy machine); one runs
 * client/cli/bin.js, what `npm run cli` and the installed bin run.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClient } from '../../scripts/build-client.ts';
import { baseUrl, freshEnvironment, project, token } from '../support/api.ts';

const buildDir = mkdtempSync(join(tmpdir(), 'cli-build-'));
let bundle = 'client/cli/bin.js';
beforeAll(async () => {
  bundle = (await buildClient(buildDir)).cli;
});
afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string | undefined> = {}, entry = bundle): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [entry, ...args],
      { env: { ...process.env, RC_URL: baseUrl, RC_TOKEN: token(), RC_PROJECT: project, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

const lines = (text: string) => text.trimEnd().split('\n');

describe('the resource-connections CLI', { timeout: 180_000 }, () => {
  it('runs from the checkout as bin.js', async () => {
    const help = await cli(['--help'], {}, 'client/cli/bin.js');
    expect([help.code, help.stdout]).toEqual([0, expect.stringContaining('Usage: resource-connections')]);
    const rules = await cli(['rules', '--json'], {}, 'client/cli/bin.js');
    expect(JSON.parse(rules.stdout).rules.length).toBeGreaterThan(0);
  });

  it('creates, shows, lists, moves, patches, deletes and restores, with tables and --json', async () => {
    const env = { RC_ENV: freshEnvironment() };
    const created = await cli(['create', 'application/app-1', 'instance/i-1', '--details', '{"port":8080}'], env);
    expect(created.code, created.stderr).toBe(0);
    const [head, row] = lines(created.stdout);
    expect(head).toMatch(/^ID\s+SOURCE\s+TARGET\s+STATUS\s+VERSION\s+UPDATED\s+REASON$/);
    const id = row!.split(/\s+/)[0]!;
    expect(row).toMatch(new RegExp(`^${id}\\s+application/app-1\\s+instance/i-1\\s+pending\\s+1\\s+`));
    // Columns line up: every cell of the row starts where its header does.
    expect(row!.indexOf('application/app-1')).toBe(head!.indexOf('SOURCE'));

    const shown = await cli(['get', id, '--json'], env);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id, details: { port: 8080 }, version: 1 });

    const moved = await cli(['status', id, 'connecting', '--reason', 'provisioning', '--if-match', '1'], env);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toMatch(/connecting\s+2\s+\S+\s+provisioning/);

    const patched = await cli(['details', id, '{"port":null,"tls":true}', '--json'], env);
    expect(JSON.parse(patched.stdout).details).toEqual({ tls: true });

    await cli(['create', 'terminal/ssh-1', 'instance/i-1'], env);
    const listed = await cli(['list', '--no-header'], env);
    expect(lines(listed.stdout)).toHaveLength(2);
    const filtered = await cli(['list', '--source', 'terminal', '--json'], env);
    expect(JSON.parse(filtered.stdout).items.map((c: { sourceResourceId: string }) => c.sourceResourceId)).toEqual([
      'ssh-1',
    ]);

    const history = await cli(['history', id, '--no-header'], env);
    expect(lines(history.stdout).map((line) => line.split(/\s+/).slice(0, 1).concat(line.split(/\s+/)[3]!))).toEqual([
      ['1', 'created'],
      ['2', 'updated'],
      ['3', 'updated'],
    ]);

    expect((await cli(['delete', id], env)).stdout.trim()).toBe(`deleted ${id}`);
    const gone = await cli(['get', id], env);
    expect(gone.code).toBe(3);
    expect(gone.stderr).toMatch(/^error: Not Found: .+ \(NOT_FOUND\)$/m);
    const restored = await cli(['restore', id, '--json'], env);
    expect(JSON.parse(restored.stdout)).toMatchObject({ status: 'pending', version: 5 });
    const both = await cli(['resource', 'instance/i-1', '--no-header', '--status', 'pending'], env);
    expect(lines(both.stdout)).toHaveLength(2);
  });

  it('exits with the documented code for each kind of failure, the problem on stderr', async () => {
    const env = { RC_ENV: freshEnvironment() };
    const first = JSON.parse((await cli(['create', 'application/app-1', 'instance/i-1', '--json'], env)).stdout);

    const duplicate = await cli(['create', 'application/app-1', 'instance/i-1'], env);
    expect([duplicate.code, duplicate.stdout]).toEqual([4, '']);
    expect(duplicate.stderr).toContain('error: Conflict: A live connection already links');
    expect(duplicate.stderr).toContain('(DUPLICATE_CONNECTION)');

    const stale = await cli(['status', first.id, 'connecting', '--if-match', '9'], env);
    expect([stale.code, stale.stderr.includes('PRECONDITION_FAILED')]).toEqual([4, true]);
    const forbidden = await cli(['create', 'application/app-1', 'database/db-1'], env);
    expect([forbidden.code, forbidden.stderr.includes('CONNECTION_NOT_ALLOWED')]).toEqual([5, true]);
    const invalid = await cli(['create', 'application/app 1', 'instance/i-1'], env);
    expect(invalid.code).toBe(5);
    expect(invalid.stderr).toMatch(/VALIDATION_FAILED[\s\S]*sourceResourceId/);
    const denied = await cli(['list'], { ...env, RC_TOKEN: 'not-a-token' });
    expect([denied.code, denied.stderr.includes('UNAUTHENTICATED')]).toEqual([5, true]);

    expect((await cli(['create', 'application', 'instance/i-1'], env)).code).toBe(2);
    expect((await cli(['status', first.id, 'sideways'], env)).code).toBe(2);
    expect((await cli(['frobnicate'], env)).code).toBe(2);
    const noProject = await cli(['list'], { RC_PROJECT: '', RC_ENV: '' });
    expect([noProject.code, noProject.stderr]).toEqual([2, expect.stringContaining('RC_PROJECT')]);

    const unreachable = await cli(['list', '--url', 'http://127.0.0.1:9'], env);
    expect([unreachable.code, unreachable.stderr]).toEqual([6, expect.stringContaining('cannot be reached')]);

    expect((await cli(['validate', 'terminal/t-1', 'instance/i-1'], env)).stdout.trim()).toBe('valid');
    const wouldDuplicate = await cli(['validate', 'application/app-1', 'instance/i-1'], env);
    expect([wouldDuplicate.code, wouldDuplicate.stderr.includes('DUPLICATE_CONNECTION')]).toEqual([4, true]);
  });

  it('waits until connected (0), failed (7) or the timeout (8)', async () => {
    const env = { RC_ENV: freshEnvironment() };
    const id = (pairOf: string) =>
      cli(['create', `application/${pairOf}`, 'instance/i-1', '--json'], env).then((r) => JSON.parse(r.stdout).id);
    const [a, b] = await Promise.all([id('app-a'), id('app-b')]);
    const timedOut = await cli(['wait', a, '--timeout', '0.5', '--interval', '0.2'], env);
    expect([timedOut.code, timedOut.stderr]).toEqual([8, expect.stringContaining('still pending')]);

    const waiting = cli(['wait', a, '--timeout', '30', '--interval', '0.2', '--no-header'], env);
    await cli(['status', a, 'connecting'], env);
    await cli(['status', a, 'connected'], env);
    const connected = await waiting;
    expect([connected.code, connected.stdout]).toEqual([0, expect.stringMatching(/connected/)]);

    await cli(['status', b, 'failed', '--reason', 'no capacity'], env);
    const failed = await cli(['wait', b], env);
    expect([failed.code, failed.stdout]).toEqual([7, expect.stringMatching(/failed\s+2\s+\S+\s+no capacity/)]);
  });

  it('prints the rules and cascades a resource away', async () => {
    const env = { RC_ENV: freshEnvironment() };
    const rules = await cli(['rules', '--no-header'], { RC_PROJECT: '', RC_ENV: '' });
    expect(rules.code).toBe(0);
    expect(lines(rules.stdout)[0]).toMatch(/^application\s+instance\s+The application is installed/);
    expect(JSON.parse((await cli(['rules', '--json'], env)).stdout).resourceTypes).toContain('static_website');

    await Promise.all(['a', 'b', 'c'].map((app) => cli(['create', `application/${app}`, 'instance/i-9'], env)));
    const cascade = await cli(['cascade', 'instance/i-9'], env);
    expect([cascade.code, cascade.stdout.trim()]).toEqual([0, 'deleted 3 connections of instance/i-9']);
    const again = await cli(['cascade', 'instance/i-9', '--json'], env);
    expect(JSON.parse(again.stdout)).toEqual({ deleted: 0, complete: true });
  });

  it('draws the graph as a table, JSON, DOT and Mermaid, in the same order every time', async () => {
    const env = { RC_ENV: freshEnvironment() };
    for (const [source, target] of [
      ['application/web', 'instance/i-1'],
      ['terminal/ssh-1', 'instance/i-1'],
      ['instance/i-1', 'database/db-1'],
      ['bucket_explorer/be-1', 'storage_bucket/b-1'],
    ])
      expect((await cli(['create', source!, target!], env)).code).toBe(0);

    const json = await cli(['graph', '--json'], env);
    const graph = JSON.parse(json.stdout) as { nodes: { key: string }[]; edges: { id: string; source: string }[] };
    expect([graph.nodes.length, graph.edges.length]).toEqual([6, 4]);

    const tableRun = await cli(['graph', '--no-header'], env);
    expect(lines(tableRun.stdout).map((line) => line.split(/\s+/).slice(1, 4))).toEqual([
      ['application/web', 'instance/i-1', 'pending'],
      ['bucket_explorer/be-1', 'storage_bucket/b-1', 'pending'],
      ['instance/i-1', 'database/db-1', 'pending'],
      ['terminal/ssh-1', 'instance/i-1', 'pending'],
    ]);

    const dot = await cli(['graph', '--format', 'dot'], env);
    expect(dot.code).toBe(0);
    expect(lines(dot.stdout)[0]).toBe(`digraph "${project}/${env.RC_ENV}" {`);
    expect(dot.stdout).toContain('"instance/i-1" -> "database/db-1" [label="pending"');
    expect((await cli(['graph', '--format', 'dot'], env)).stdout).toBe(dot.stdout);

    const mermaid = await cli(['graph', '--format', 'mermaid'], env);
    expect(lines(mermaid.stdout).slice(0, 2)).toEqual(['flowchart LR', '  n0(["application/web"])']);
    expect(mermaid.stdout.match(/-->/g)).toHaveLength(4);

    const near = await cli(
      ['graph', '--resource', 'database/db-1', '--depth', '2', '--direction', 'in', '--json'],
      env,
    );
    const sources = (JSON.parse(near.stdout) as typeof graph).edges.map((edge) => edge.source).sort();
    expect(sources).toEqual(['application/web', 'instance/i-1', 'terminal/ssh-1']);

    for (const wrong of [
      ['--depth', '2'],
      ['--resource', 'instance/i-1', '--status', 'failed'],
      ['--format', 'svg'],
    ]) {
      const refused = await cli(['graph', ...wrong], env);
      expect([refused.code, refused.stdout]).toEqual([2, '']);
    }
  });
});
