/**
 * The topology page in headless Chromium (1400 × 900), at two sizes of environment:
 *
 * - BENCH_TOPOLOGY connections (default 2,000) seeded through the API of the local server: time
 *   from navigation to the first drawing, from the last /graph answer to the drawing (the "within
 *   2 s of data" figure), to settled (`data-state="ready"`), and the longest main-thread task (a
 *   PerformanceObserver on 'longtask', buffered from the start);
 * - BENCH_TOPOLOGY_HUGE connections (default 200,000) paged in from a stand-in server that answers
 *   GET /graph with generated pages exactly as the service shapes them (seeding 200,000 connections
 *   into DynamoDB Local through the API would take hours here): the same figures, plus the number of
 *   pages read.
 *
 * Screenshots go to .data/topology-bench-*.png; `npm run bench:topology` runs this section alone.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { TOPOLOGY_CSP } from '../functions/web/static-files.ts';
import { spawnLocalServer } from '../local/child-server.ts';
import { mintToken } from '../local/jwt.ts';
import { launchChromium } from '../testkit/browser.ts';
import { graphPage, topologySeed, type SeedLink } from '../testkit/topology-data.ts';
import { buildTopologyPage } from '../web/topology/build.ts';

export interface PageRun {
  readonly environment: string;
  readonly connections: number;
  readonly nodesDrawn: number;
  readonly edgesDrawn: number;
  readonly overview: boolean;
  readonly graphPages: number;
  readonly firstDrawingMs: number;
  readonly lastDataMs: number;
  readonly readyMs: number;
  readonly dataToReadyMs: number;
  readonly longestTaskMs: number;
  readonly tasksOver50ms: number;
  readonly tasksOver200ms: number;
  readonly screenshots: string[];
}
export interface TopologyFigures {
  readonly seedSeconds: number;
  /** The 1-minute load average when the page was measured: long tasks are wall time, a busy machine stretches them. */
  readonly loadAverage: number;
  readonly files: { name: string; bytes: number; gzipBytes: number }[];
  readonly runs: PageRun[];
}

async function inParallel<T>(items: readonly T[], width: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

/** Seeds `links` through the API, as a careful client would (a 503 is retried after Retry-After). */
async function seedThroughApi(url: string, token: string, links: readonly SeedLink[]): Promise<void> {
  const base = `${url}/api/bench/topology/resource-connections`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const send = async (method: string, target: string, body: unknown, key?: string): Promise<{ id: string }> => {
    for (let attempt = 1; ; attempt++) {
      // A create retried after a 503 that did commit answers its first 201 again (Idempotency-Key).
      const sent = key ? { ...headers, 'idempotency-key': key } : headers;
      const answer = await fetch(target, { method, headers: sent, body: JSON.stringify(body) });
      if (answer.ok) return (await answer.json()) as { id: string };
      if (answer.status !== 503 || attempt === 5)
        throw new Error(`${method} ${target}: ${answer.status} ${await answer.text()}`);
      await answer.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 1000 * Number(answer.headers.get('retry-after') ?? 2)));
    }
  };
  await inParallel(links, 8, async ({ source, target, statuses }) => {
    const [sourceResourceType, sourceResourceId] = source.split('/');
    const [targetResourceType, targetResourceId] = target.split('/');
    const body = { sourceResourceType, sourceResourceId, targetResourceType, targetResourceId };
    const { id } = await send('POST', base, body, `${source}>${target}`);
    for (const status of statuses) await send('PATCH', `${base}/${id}`, { status });
  });
}

/** Serves the built page and answers GET /graph from `links`, a page at a time. */
async function standIn(pageDir: string, links: readonly SeedLink[]): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.endsWith('/graph')) {
      const page = graphPage(
        links,
        Number(url.searchParams.get('nextToken') ?? 0),
        Number(url.searchParams.get('limit') ?? 500),
      );
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(page));
    }
    const name = url.pathname === '/topology' ? 'index.html' : url.pathname.replace('/topology/', '');
    if (!readdirSync(pageDir).includes(name)) {
      res.writeHead(404);
      return res.end();
    }
    const type = name.endsWith('.html') ? 'text/html' : name.endsWith('.css') ? 'text/css' : 'text/javascript';
    res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'content-security-policy': TOPOLOGY_CSP });
    res.end(readFileSync(join(pageDir, name)));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** Opens the page on `fragment` and measures it until it has settled. */
async function measure(
  browser: Browser,
  url: string,
  fragment: string,
  name: string,
): Promise<Omit<PageRun, 'environment' | 'connections'>> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  // As strings: they run in the page, which this Node-typed file does not describe.
  await page.addInitScript(`
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });`);
  await page.goto(`${url}/topology#${fragment}`);
  const graph = page.locator('[data-testid="graph"]');
  const firstDrawingMs = await waitFor(page, 'first');
  const readyMs = await waitFor(page, 'ready');
  await page.waitForTimeout(1000);
  const figures = (await page.evaluate(`({
    tasks: window.longTasks,
    graphPages: performance.getEntriesByType('resource').filter((e) => e.name.includes('/graph')).length,
    lastData: Math.max(0, ...performance.getEntriesByType('resource').filter((e) => e.name.includes('/graph')).map((e) => e.responseEnd)),
  })`)) as { tasks: number[]; graphPages: number; lastData: number };
  const drawn = {
    nodesDrawn: Number(await graph.getAttribute('data-node-count')),
    edgesDrawn: Number(await graph.getAttribute('data-edge-count')),
    overview: (await graph.getAttribute('data-overview')) === 'true',
  };
  const screenshots = [`.data/topology-bench-${name}-1400x900.png`];
  await page.screenshot({ path: screenshots[0] });
  // A new window size is a new plan: wait for the drawing planned for it to settle.
  const planned = await graph.getAttribute('data-room');
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.waitForFunction(
    (before) => {
      const area = (
        globalThis as unknown as {
          document: { querySelector(s: string): { dataset: Record<string, string | undefined> } | null };
        }
      ).document.querySelector('[data-testid="graph"]');
      return area?.dataset.room !== before && area?.dataset.state === 'ready';
    },
    planned,
    { timeout: 120_000, polling: 100 },
  );
  screenshots.push(`.data/topology-bench-${name}-1024x700.png`);
  await page.screenshot({ path: screenshots[1]! });
  const run = {
    ...drawn,
    graphPages: figures.graphPages,
    firstDrawingMs,
    lastDataMs: Math.round(figures.lastData),
    readyMs,
    dataToReadyMs: Math.round(readyMs - figures.lastData),
    longestTaskMs: Math.round(Math.max(0, ...figures.tasks)),
    tasksOver50ms: figures.tasks.length,
    tasksOver200ms: figures.tasks.filter((duration) => duration > 200).length,
    screenshots,
  };
  await context.close();
  return run;
}

/**
 * performance.now() in the page when the graph first has a drawing ('first') or has settled
 * ('ready'). A function, not a string: the page's CSP forbids eval, which a string predicate needs.
 */
async function waitFor(page: Page, what: 'first' | 'ready'): Promise<number> {
  const handle = await page.waitForFunction(
    (wanted) => {
      const graph = (
        globalThis as unknown as {
          document: { querySelector(s: string): { dataset: Record<string, string | undefined> } | null };
        }
      ).document.querySelector('[data-testid="graph"]');
      const done = wanted === 'first' ? Number(graph?.dataset.nodeCount ?? 0) > 0 : graph?.dataset.state === 'ready';
      return done && performance.now();
    },
    what,
    { timeout: 900_000, polling: 50 },
  );
  return Math.round((await handle.jsonValue()) as number);
}

export async function measureTopologyPage(
  count: number,
  huge = Number(process.env.BENCH_TOPOLOGY_HUGE ?? 200_000),
): Promise<TopologyFigures> {
  const secret = 'bench-topology-secret';
  const eventsFile = join(tmpdir(), `rc-bench-topology-${process.pid}.ndjson`);
  const server = await spawnLocalServer({ LOCAL_JWT_SECRET: secret, LOCAL_EVENTS_FILE: eventsFile });
  const browser = await launchChromium();
  const built = mkdtempSync(join(tmpdir(), 'topology-bench-'));
  let fake: { url: string; close(): void } | undefined;
  try {
    const token = mintToken({ projects: ['bench/*'], scopes: ['connections:read', 'connections:write'] }, secret);
    const seed = topologySeed(count);
    const seedStarted = performance.now();
    await seedThroughApi(server.url, token, seed);
    const seedSeconds = Math.round((performance.now() - seedStarted) / 100) / 10;

    await buildTopologyPage(built);
    const files = readdirSync(built).map((name) => {
      const body = readFileSync(join(built, name));
      return { name, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length };
    });
    mkdirSync('.data', { recursive: true });
    const runs: PageRun[] = [];
    const seeded = await measure(browser, server.url, `project=bench&env=topology&token=${token}`, String(count));
    runs.push({ environment: 'seeded through the API (local server)', connections: count, ...seeded });
    if (huge > 0) {
      fake = await standIn(built, topologySeed(huge));
      const paged = await measure(browser, fake.url, `project=bench&env=huge&token=${token}`, String(huge));
      runs.push({ environment: 'paged in from a stand-in /graph', connections: huge, ...paged });
    }
    const loadAverage = Math.round(loadavg()[0]! * 10) / 10;
    return { seedSeconds, loadAverage, files, runs };
  } finally {
    fake?.close();
    await browser.close();
    await server.stop();
    rmSync(built, { recursive: true, force: true });
    rmSync(eventsFile, { force: true });
  }
}

export function printTopology(figures: TopologyFigures): string {
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  return [
    `#### The topology page in headless Chromium at 1400 × 900 (seeding ${figures.seedSeconds} s; load average ${figures.loadAverage} on ${availableParallelism()} CPUs)`,
    '',
    '| connections | from | drawn: nodes / edges | overview | /graph pages | first drawing ms | last data ms | settled ms | data → settled ms | longest main-thread task ms | tasks > 50 ms | tasks > 200 ms |',
    '| ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...figures.runs.map(
      (r) =>
        `| ${r.connections} | ${r.environment} | ${r.nodesDrawn} / ${r.edgesDrawn} | ${r.overview ? 'yes' : 'no'} | ${r.graphPages} | ${r.firstDrawingMs} | ${r.lastDataMs} | ${r.readyMs} | ${r.dataToReadyMs} | ${r.longestTaskMs} | ${r.tasksOver50ms} | ${r.tasksOver200ms} |`,
    ),
    '',
    '| page file | KB | gzip KB (as served) |',
    '| --- | ---: | ---: |',
    ...figures.files.map((f) => `| ${f.name} | ${kb(f.bytes)} | ${kb(f.gzipBytes)} |`),
    `| total | ${kb(figures.files.reduce((s, f) => s + f.bytes, 0))} | ${kb(figures.files.reduce((s, f) => s + f.gzipBytes, 0))} |`,
    '',
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await measureTopologyPage(Number(process.env.BENCH_TOPOLOGY ?? 2000));
  console.log(printTopology(figures));
  mkdirSync('.data', { recursive: true });
  writeFileSync('.data/bench-topology.json', `${JSON.stringify(figures, null, 2)}\n`);
}
