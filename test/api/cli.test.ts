/**
 * The CLI as a process against the local server: each command's output and exit code. Most runs use
 * the esbuild bundle of the same code (a tenth of tsx's start-up time on a busy machine); one runs
 * client/cli/bin.js, what `npm run cli` and the installed bin run. Where a test must know what was
 * sent, the CLI talks to the server through a proxy that counts the requests.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClient } from '../../scripts/build-client.ts';
import { baseUrl, canMintTokens, freshEnvironment, project, token } from '../support/api.ts';

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
const idOf = (run: Run) => JSON.parse(run.stdout).id as string;

/**
 * A proxy to the server that records each request it passes on (method, path, ms since it started);
 * `withoutWatch`: it answers GET /realtime 404, as a service without the watch would.
 */
async function countingProxy({ withoutWatch = false } = {}) {
  const seen: { method: string; path: string; at: number }[] = [];
  const started = Date.now();
  const server = createServer(async (request, response) => {
    seen.push({ method: request.method!, path: request.url!, at: Date.now() - started });
    if (withoutWatch && request.url === '/realtime') return response.writeHead(404).end();
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const answer = await fetch(`${baseUrl}${request.url}`, {
      method: request.method,
      headers: { authorization: request.headers.authorization ?? '', 'content-type': 'application/json' },
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** A process's wall time, in ms. */
async function timed<T>(run: Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await run;
  return [result, performance.now() - start];
}

describe('the resource-connections CLI', { timeout: 180_000 }, () => {
  it('runs from the checkout as bin.js', async () => {
    const help = await cli(['--help'], {}, 'client/cli/bin.js');
    expect([help.code, help.stdout]).toEqual([0, expect.stringContaining('Usage: resource-connections')]);
    const rules = await cli(['rules', '--json'], {}, 'client/cli/bin.js');
    expect(JSON.parse(rules.stdout).rules.length).toBeGreaterThan(0);
  });

  it('never shows the token: not in help, not in the error about a token a header cannot carry', async () => {
    const secret = token();
    for (const args of [['--help'], ['help'], ['create', '--help'], ['help', 'list']]) {
      const help = await cli(args);
      expect([help.code, help.stdout.includes(secret), help.stderr.includes(secret)], args.join(' ')).toEqual([
        0,
        false,
        false,
      ]);
    }
    expect((await cli(['--help'])).stdout).toMatch(/--token <jwt>\s+bearer token \(env RC_TOKEN\)\n/);

    const [head, tail] = [secret.slice(0, 20), secret.slice(20)];
    const broken = await cli(['list'], { RC_ENV: freshEnvironment(), RC_TOKEN: `${head}\n${tail}` });
    expect([broken.code, broken.stdout]).toEqual([2, '']);
    expect(broken.stderr).toContain('the token holds a line break');
    expect(broken.stderr).not.toContain(head);
    expect(broken.stderr).not.toContain(tail);
    // The line break a token read from a file ends with is not part of it.
    expect((await cli(['list'], { RC_ENV: freshEnvironment(), RC_TOKEN: `${secret}\n` })).code).toBe(0);
  });

  it('prints its version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-V'])
      expect(await cli([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('shows stored control and bidi characters escaped in every table, and exactly with --json', async () => {
    const env = { RC_ENV: freshEnvironment() };
    // Real escape bytes: set the window title, write the clipboard, clear the screen, reverse the text.
    const reason = 'title\u001b]0;pwned\u0007 clip\u001b]52;c;ZXZpbA==\u0007 clear\u001b[2J bidi\u202etxt.exe';
    const actor = 'mallory\u001b[31m\u202e';
    const as = canMintTokens ? { ...env, RC_TOKEN: token({ subject: actor }) } : env;
    const id = idOf(await cli(['create', 'application/app-1', 'instance/i-esc', '--json'], as));
    expect((await cli(['status', id, 'failed', '--reason', reason], as)).code).toBe(0);

    const shown = 'title\\u001b]0;pwned\\u0007 clip\\u001b]52;c;ZXZpbA==\\u0007 clear\\u001b[2J bidi\\u202etxt.exe';
    // A control character other than the line feeds between lines, or the bidi override.
    const raw = (text: string) =>
      [...text].some((c) => (c < ' ' && c !== '\n') || (c >= '\u007f' && c <= '\u009f') || c === '\u202e');
    for (const args of [['get', id], ['list'], ['resource', 'instance/i-esc'], ['status', id, 'failed']]) {
      const run = await cli(args, env);
      expect([run.code, raw(run.stdout)], args.join(' ')).toEqual([0, false]);
      expect(run.stdout, args.join(' ')).toContain(shown);
    }
    const history = await cli(['history', id], env);
    expect(raw(history.stdout)).toBe(false);
    expect(history.stdout).toContain(`statusReason: null -> "${shown}"`);
    if (canMintTokens) expect(history.stdout).toContain('mallory\\u001b[31m\\u202e');

    for (const args of [
      ['get', id, '--json'],
      ['history', id, '--json'],
    ]) {
      const json = await cli(args, env);
      expect(raw(json.stdout), args.join(' ')).toBe(false);
      const value = JSON.parse(json.stdout);
      const stored = args[0] === 'get' ? value : value.items[1];
      expect(args[0] === 'get' ? stored.statusReason : stored.changes.statusReason.to).toBe(reason);
      if (canMintTokens) expect(args[0] === 'get' ? stored.updatedBy : stored.actor).toBe(actor);
    }
  });

  it('creates, shows, lists, moves, patches, deletes and restores, with tables and --json', async () => {
    const env = { RC_ENV: freshEnvironment() };
    const created = await cli(['create', 'application/app-1', 'instance/i-1', '--details', '{"port":8080}'], env);
    expect(created.code, created.stderr).toBe(0);
    const [head, row] = lines(created.stdout);
    expect(head).toMatch(/^ID\s+SOURCE\s+TARGET\s+STATUS\s+DEADLINE\s+VERSION\s+UPDATED\s+REASON$/);
    const id = row!.split(/\s+/)[0]!;
    expect(row).toMatch(new RegExp(`^${id}\\s+application/app-1\\s+instance/i-1\\s+pending\\s+\\S+Z\\s+1\\s+`));
    // Columns line up: every cell of the row starts where its header does.
    expect(row!.indexOf('application/app-1')).toBe(head!.indexOf('SOURCE'));

    const shown = await cli(['get', id, '--json'], env);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id, details: { port: 8080 }, version: 1 });

    const moved = await cli(['status', id, 'connecting', '--reason', 'provisioning', '--if-match', '1'], env);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toMatch(/connecting\s+\S+Z\s+2\s+\S+\s+provisioning/);

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
    expect(duplicate.stderr).toContain(`\n  existingConnectionId: ${first.id}\n`);

    const stale = await cli(['status', first.id, 'connecting', '--if-match', '9'], env);
    expect([stale.code, stale.stderr.includes('PRECONDITION_FAILED')]).toEqual([4, true]);
    const forbidden = await cli(['create', 'application/app-1', 'database/db-1'], env);
    expect([forbidden.code, forbidden.stderr.includes('CONNECTION_NOT_ALLOWED')]).toEqual([5, true]);
    const invalid = await cli(['create', 'application/app 1', 'instance/i-1'], env);
    expect(invalid.code).toBe(5);
    expect(invalid.stderr).toMatch(/VALIDATION_FAILED[\s\S]*sourceResourceId/);
    expect(invalid.stderr.match(/sourceResourceId/g)).toHaveLength(1); // said once, not in the detail again
    const denied = await cli(['list'], { ...env, RC_TOKEN: 'not-a-token' });
    expect([denied.code, denied.stderr.includes('UNAUTHENTICATED')]).toEqual([5, true]);
    expect(denied.stderr).not.toMatch(/Unauthorized: Unauthorized/);

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
    expect(wouldDuplicate.stderr).toContain(`  existingConnectionId: ${first.id}`);
  });

  it('catches usage mistakes before sending anything: exit 2, nothing on stdout, no request', async () => {
    const proxy = await countingProxy();
    try {
      const env = { RC_ENV: freshEnvironment(), RC_URL: proxy.url };
      const refused: [string[], RegExp][] = [
        [['get', ''], /the connection id is empty/],
        [['history', ''], /the connection id is empty/],
        [['list', '--url', 'not a url'], /--url \(or RC_URL\): 'not a url' is not an http or https URL/],
        [['list', '--url', 'ftp://example.com'], /not an http or https URL/],
        [['validate', 'spaceship/x', 'instance/i-1'], /'spaceship' is not a resource type: one of instance, /],
        [['list', '--source', 'spaceship'], /'spaceship' is not a resource type/],
        [['graph', '--resource', 'spaceship/x'], /'spaceship' is not a resource type/],
        [['create', 'application/a', 'instance/i-1', '--details', '{"n":1e400}'], /details\.n: must be a finite/],
        [['details', '01JD3Y6Q9K6V7Z5N8M2C4B1A0E', '{"a":{"b":[1,-1e400]}}'], /details\.a\.b\.1: must be a finite/],
        [['wait', '01JD3Y6Q9K6V7Z5N8M2C4B1A0E', '--interval', '0'], /--interval takes seconds from 0\.1/],
        [['wait', '01JD3Y6Q9K6V7Z5N8M2C4B1A0E', '--timeout', 'Infinity'], /--timeout takes seconds/],
      ];
      for (const [args, message] of refused) {
        const run = await cli(args, env);
        expect([run.code, run.stdout, run.stderr], args.join(' ')).toEqual([2, '', expect.stringMatching(message)]);
      }
      const tokenless = await cli(['list'], { ...env, RC_TOKEN: '' });
      expect([tokenless.code, tokenless.stderr]).toEqual([2, expect.stringContaining('set a bearer token')]);
      expect(proxy.seen).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('refuses numbers JSON cannot carry and stores nothing', async () => {
    const env = { RC_ENV: freshEnvironment() };
    const id = idOf(await cli(['create', 'application/app-1', 'instance/i-1', '--details', '{"n":1}', '--json'], env));
    expect((await cli(['details', id, '{"n":1e400}'], env)).code).toBe(2);
    expect((await cli(['create', 'terminal/t-1', 'instance/i-1', '--details', '{"n":-1e999}'], env)).code).toBe(2);
    const all = JSON.parse((await cli(['list', '--json'], env)).stdout).items;
    expect(all).toEqual([expect.objectContaining({ id, version: 1, details: { n: 1 } })]);
  });

  it('waits until connected (0), failed (7) or the timeout (8)', async () => {
    const env = { RC_ENV: freshEnvironment() };
    const id = (pairOf: string) =>
      cli(['create', `application/${pairOf}`, 'instance/i-1', '--json'], env).then((r) => JSON.parse(r.stdout).id);
    const [a, b] = await Promise.all([id('app-a'), id('app-b')]);
    const [timedOut, took] = await timed(cli(['wait', a, '--timeout', '1.5', '--interval', '0.2'], env));
    expect([timedOut.code, timedOut.stderr]).toEqual([8, expect.stringContaining(`${a} is still pending after 1.5 s`)]);
    expect(took).toBeGreaterThanOrEqual(1500); // it waited as long as it says

    const waiting = cli(['wait', a, '--timeout', '30', '--interval', '0.2', '--no-header'], env);
    await cli(['status', a, 'connecting'], env);
    await cli(['status', a, 'connected'], env);
    const connected = await waiting;
    expect([connected.code, connected.stdout]).toEqual([0, expect.stringMatching(/connected/)]);

    await cli(['status', b, 'failed', '--reason', 'no capacity'], env);
    const failed = await cli(['wait', b], env);
    expect([failed.code, failed.stdout]).toEqual([7, expect.stringMatching(/failed\s+2\s+\S+\s+no capacity/)]);
  });

  it('sets and moves deadlines, shows them, and says when wait ends because one passed', async () => {
    const env = { RC_ENV: freshEnvironment() };
    const refused = await cli(['create', 'application/app-a', 'instance/i-1', '--deadline', '4'], env);
    expect([refused.code, refused.stderr]).toEqual([2, expect.stringMatching(/--deadline takes seconds from 5/)]);

    const created = JSON.parse(
      (await cli(['create', 'application/app-a', 'instance/i-1', '--deadline', '5', '--json'], env)).stdout,
    );
    const shown = await cli(['get', created.id], env);
    expect(shown.stdout).toMatch(/DEADLINE/);
    expect(shown.stdout).toContain(created.statusDeadline);
    const moved = JSON.parse((await cli(['heartbeat', created.id, '3600', '--json'], env)).stdout);
    expect([moved.version, Date.parse(moved.statusDeadline) > Date.now() + 3000_000]).toEqual([2, true]);
    const connecting = await cli(['status', created.id, 'connecting', '--deadline', '5', '--json'], env);
    expect(JSON.parse(connecting.stdout).status).toBe('connecting');

    // The local server's sweep fails it within seconds of its deadline.
    const [failed, took] = await timed(cli(['wait', created.id, '--timeout', '30', '--interval', '0.5'], env));
    expect(failed.code).toBe(7);
    expect(failed.stderr).toMatch(/failed: deadline passed: connecting since \S+ \(by the service's deadline sweep\)/);
    expect(took).toBeLessThan(20_000);
  });

  it('without a watch to listen to, polls, sleeps to the deadline and reads once more there before it times out', async () => {
    const env = { RC_ENV: freshEnvironment() };
    const [a, b] = await Promise.all(
      ['app-a', 'app-b'].map((app) => cli(['create', `application/${app}`, 'instance/i-1', '--json'], env).then(idOf)),
    );
    const proxy = await countingProxy({ withoutWatch: true });
    try {
      const viaProxy = { ...env, RC_URL: proxy.url };
      // An interval longer than the timeout: the first read, then the one at the deadline.
      const [timedOut, took] = await timed(cli(['wait', a!, '--timeout', '2', '--interval', '60'], viaProxy));
      expect([timedOut.code, took >= 2000]).toEqual([8, true]);
      const reads = proxy.seen.filter((r) => r.path.endsWith(`/resource-connections/${a}`));
      expect(reads).toHaveLength(2);
      // The second at the deadline: two seconds after the CLI's first request (GET /realtime, refused).
      expect(proxy.seen[0]!.path).toBe('/realtime');
      expect(reads[1]!.at - proxy.seen[0]!.at).toBeGreaterThanOrEqual(1900);

      // Connected after the first read and before the deadline: the read at the deadline sees it.
      const waiting = timed(cli(['wait', b!, '--timeout', '8', '--interval', '60', '--no-header'], viaProxy));
      while (!proxy.seen.some((r) => r.path.endsWith(`/resource-connections/${b}`))) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await cli(['status', b!, 'connecting'], env);
      await cli(['status', b!, 'connected'], env);
      const [connected, waited] = await waiting;
      expect([connected.code, connected.stdout]).toEqual([0, expect.stringMatching(/connected\s+3/)]);
      expect(waited).toBeGreaterThanOrEqual(8000);
    } finally {
      await proxy.close();
    }
  });

  it('waits by listening: one read once subscribed, the change pushed, no polling', async () => {
    const env = { RC_ENV: freshEnvironment() };
    const id = idOf(await cli(['create', 'application/app-a', 'instance/i-1', '--json'], env));
    const proxy = await countingProxy();
    try {
      const waiting = timed(
        cli(['wait', id, '--timeout', '60', '--interval', '0.1', '--no-header'], { ...env, RC_URL: proxy.url }),
      );
      const reads = () => proxy.seen.filter((r) => r.path.endsWith(`/resource-connections/${id}`)).length;
      while (reads() === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const once = reads(); // the read after subscribing (or, had the watch been slow, a poll or two)
      await new Promise((resolve) => setTimeout(resolve, 1500)); // polling every 0.1 s would read 15 times
      expect(reads()).toBe(once);
      await cli(['status', id, 'connecting'], env);
      await cli(['status', id, 'connected'], env);
      const [connected, took] = await waiting;
      expect([connected.code, connected.stdout]).toEqual([0, expect.stringMatching(/connected\s+3/)]);
      expect(took).toBeLessThan(30_000);
      expect(reads()).toBe(once); // the change was pushed, not read
      expect(proxy.seen.some((r) => r.path === '/realtime')).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('watches: rows or JSON lines as changes commit, filtered like list, until Ctrl-C', async () => {
    const env = { RC_ENV: freshEnvironment() };
    const before = idOf(await cli(['create', 'application/app-0', 'instance/i-1', '--json'], env));
    const watcher = spawn(process.execPath, [bundle, 'watch', '--json', '--source', 'application'], {
      env: { ...process.env, RC_URL: baseUrl, RC_TOKEN: token(), RC_PROJECT: project, ...env },
    });
    let stdout = '';
    let stderr = '';
    watcher.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    watcher.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const until = async (check: () => boolean) => {
      for (let i = 0; i < 600 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    };
    await until(() => stderr.includes('watching: live') && stdout.includes(before));
    const id = idOf(await cli(['create', 'application/app-1', 'instance/i-1', '--json'], env));
    await cli(['create', 'terminal/t-1', 'instance/i-1'], env); // not from an application: not shown
    await cli(['status', id, 'connecting'], env);
    await until(() => lines(stdout).length >= 3);
    const exited = new Promise<number | null>((resolve) => watcher.once('exit', (code) => resolve(code)));
    watcher.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(
      lines(stdout)
        .map((line) => JSON.parse(line))
        .map((c) => [c.type, c.connection.id, c.version]),
    ).toEqual([
      ['Current', before, 1],
      ['Connection Created', id, 1],
      ['Connection Status Changed', id, 2],
    ]);
  });

  it('prints the rules and cascades a resource away', async () => {
    const env = { RC_ENV: freshEnvironment() };
    const rules = await cli(['rules', '--no-header'], { RC_PROJECT: '', RC_ENV: '' });
    expect(rules.code).toBe(0);
    expect(lines(rules.stdout)[0]).toMatch(/^application\s+instance\s+The application is installed/);
    const withHeaders = lines((await cli(['rules'], env)).stdout);
    // The status moves the help promises, as docs/api.md's table has them.
    expect(withHeaders.slice(withHeaders.indexOf('') + 1)).toEqual([
      expect.stringMatching(/^STATUS\s+MAY MOVE TO$/),
      expect.stringMatching(/^pending\s+connecting, failed, disconnected$/),
      expect.stringMatching(/^connecting\s+connected, failed, disconnected$/),
      expect.stringMatching(/^connected\s+disconnected, failed$/),
      expect.stringMatching(/^failed\s+pending, connecting, disconnected$/),
      expect.stringMatching(/^disconnected\s+pending, connecting$/),
    ]);
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
    expect(lines(mermaid.stdout)[0]).toBe('flowchart LR');
    expect(lines(mermaid.stdout)).toContain('  application_web(["application/web"])');
    expect(mermaid.stdout.match(/^ {2}\w+ e_\w+@-\.->\|"pending"\| \w+$/gm)).toHaveLength(4);

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

    // One more connection, from a new resource: three new lines (node, edge, its class); nothing moves.
    expect((await cli(['create', 'application/web2', 'instance/i-1'], env)).code).toBe(0);
    const after = lines((await cli(['graph', '--format', 'mermaid'], env)).stdout);
    const before = lines(mermaid.stdout);
    expect(before.filter((line) => !after.includes(line))).toEqual([]);
    expect(after.filter((line) => !before.includes(line))).toEqual([
      '  application_web2(["application/web2"])',
      expect.stringMatching(/^ {2}application_web2 (e_\w+)@-\.->\|"pending"\| instance_i_1$/),
      expect.stringMatching(/^ {2}class e_\w+ pending$/),
    ]);
  });
});
