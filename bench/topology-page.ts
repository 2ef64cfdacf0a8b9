/**
 * The topology page in headless Chromium at a realistic size (default 2,000 connections): time
 * from navigation to drawn (the graph's data-edge-count appears) and the longest main-thread task
 * (a PerformanceObserver on 'longtask', buffered from the start), for the default view (simplified
 * past 1,000 resources) and with every resource drawn; and the page's file sizes.
 * `npm run bench:topology` runs this section alone (BENCH_TOPOLOGY connections).
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { spawnLocalServer } from '../local/child-server.ts';
import { mintToken } from '../local/jwt.ts';
import { launchChromium } from '../testkit/browser.ts';
import { buildTopologyPage } from '../web/topology/build.ts';

export interface PageRun {
  readonly view: string;
  readonly nodesDrawn: number;
  readonly edgesDrawn: number;
  readonly drawnMs: number;
  readonly longestTaskMs: number;
  readonly tasksOver50ms: number;
  readonly tasksOver200ms: number;
  readonly screenshot: string;
}
export interface TopologyFigures {
  readonly connections: number;
  readonly resources: number;
  readonly seedSeconds: number;
  /** The 1-minute load average when the page was measured: long tasks are wall time, a busy machine stretches them. */
  readonly loadAverage: number;
  readonly files: { name: string; bytes: number; gzipBytes: number }[];
  readonly runs: PageRun[];
}

/** A platform-shaped environment: servers with their applications, SSH, firewall and database; bucket explorers. */
export function topologySeed(count: number): { source: string; target: string; statuses: string[] }[] {
  const links: { source: string; target: string }[] = [];
  const servers = Math.max(1, Math.round((count * 0.875) / 7));
  for (let i = 0; i < servers; i++) {
    const server = `instance/i-${String(i).padStart(4, '0')}`;
    for (const app of ['web', 'api', 'worker', 'cron'])
      links.push({ source: `application/${app}-${i}`, target: server });
    links.push({ source: `terminal/ssh-${i}`, target: server });
    links.push({ source: server, target: `firewall/sg-${i % 25}` });
    links.push({ source: server, target: `database/db-${i % 50}` });
  }
  for (let i = 0; links.length < count; i++) {
    links.push({ source: `bucket_explorer/be-${i}`, target: `storage_bucket/bucket-${i}` });
    if (links.length < count)
      links.push({ source: `bucket_explorer/be-${i}`, target: `static_website/site-${i % 60}` });
  }
  // Fixed by position, so every run draws the same picture: mostly up, some on the way, a few broken.
  const statusesOf = (i: number): string[] => {
    const roll = (i * 7919) % 100;
    if (roll < 3) return ['failed'];
    if (roll < 7) return ['connecting'];
    if (roll < 9) return ['connecting', 'connected', 'disconnected'];
    if (roll < 17) return [];
    return ['connecting', 'connected'];
  };
  return links.slice(0, count).map((link, i) => ({ ...link, statuses: statusesOf(i) }));
}

async function inParallel<T>(items: readonly T[], width: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

export async function measureTopologyPage(count: number): Promise<TopologyFigures> {
  const secret = 'bench-topology-secret';
  const eventsFile = join(tmpdir(), `rc-bench-topology-${process.pid}.ndjson`);
  const server = await spawnLocalServer({ LOCAL_JWT_SECRET: secret, LOCAL_EVENTS_FILE: eventsFile });
  const browser = await launchChromium();
  const built = mkdtempSync(join(tmpdir(), 'topology-bench-'));
  try {
    const token = mintToken({ projects: ['bench/*'] }, secret);
    const base = `${server.url}/api/bench/topology/resource-connections`;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    /** A careful client: a 503 (DynamoDB Local busy on a shared machine) is retried after Retry-After. */
    const send = async (method: string, url: string, body: unknown, key?: string): Promise<{ id: string }> => {
      for (let attempt = 1; ; attempt++) {
        // A create retried after a 503 that did commit answers its first 201 again (Idempotency-Key).
        const sent = key ? { ...headers, 'idempotency-key': key } : headers;
        const answer = await fetch(url, { method, headers: sent, body: JSON.stringify(body) });
        if (answer.ok) return (await answer.json()) as { id: string };
        if (answer.status !== 503 || attempt === 5)
          throw new Error(`${method} ${url}: ${answer.status} ${await answer.text()}`);
        await answer.body?.cancel();
        await new Promise((resolve) => setTimeout(resolve, 1000 * Number(answer.headers.get('retry-after') ?? 2)));
      }
    };
    const seed = topologySeed(count);
    const seedStarted = performance.now();
    await inParallel(seed, 8, async ({ source, target, statuses }) => {
      const [sourceResourceType, sourceResourceId] = source.split('/');
      const [targetResourceType, targetResourceId] = target.split('/');
      const { id } = await send(
        'POST',
        base,
        { sourceResourceType, sourceResourceId, targetResourceType, targetResourceId },
        `${source}>${target}`,
      );
      for (const status of statuses) await send('PATCH', `${base}/${id}`, { status });
    });
    const seedSeconds = Math.round((performance.now() - seedStarted) / 100) / 10;
    const resources = new Set(seed.flatMap((link) => [link.source, link.target])).size;

    await buildTopologyPage(built);
    const files = readdirSync(built).map((name) => {
      const body = readFileSync(join(built, name));
      return { name, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length };
    });

    const runs: PageRun[] = [];
    mkdirSync('.data', { recursive: true });
    for (const [view, extra] of [
      ['default (simplified past 1,000 resources)', ''],
      ['every resource drawn (all=1)', '&all=1'],
    ] as const) {
      const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
      const page = await context.newPage();
      // As strings: they run in the page, which this Node-typed file does not describe.
      await page.addInitScript(`
        window.longTasks = [];
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) window.longTasks.push(entry.duration);
        }).observe({ type: 'longtask', buffered: true });`);
      await page.goto(`${server.url}/topology#project=bench&env=topology${extra}&token=${token}`);
      const drawnMs = (await (
        await page.waitForFunction(
          // A function, not a string: the page's CSP forbids eval, which a string predicate needs.
          () => {
            const page = globalThis as unknown as {
              document: { querySelector(selector: string): { dataset: Record<string, string | undefined> } | null };
            };
            return page.document.querySelector('[data-testid="graph"]')?.dataset.edgeCount && performance.now();
          },
          undefined,
          { timeout: 300_000, polling: 50 },
        )
      ).jsonValue()) as number;
      // Tasks that follow the first frame (label layout, hit-test caches) count too.
      await page.waitForTimeout(1500);
      const tasks = (await page.evaluate('window.longTasks')) as number[];
      const graph = page.locator('[data-testid="graph"]');
      const screenshot = `.data/topology-${count}${extra ? '-all' : ''}.png`;
      await page.screenshot({ path: screenshot });
      runs.push({
        view,
        nodesDrawn: Number(await graph.getAttribute('data-node-count')),
        edgesDrawn: Number(await graph.getAttribute('data-edge-count')),
        drawnMs: Math.round(drawnMs),
        longestTaskMs: Math.round(Math.max(0, ...tasks)),
        tasksOver50ms: tasks.length,
        tasksOver200ms: tasks.filter((duration) => duration > 200).length,
        screenshot,
      });
      await context.close();
    }
    const loadAverage = Math.round(loadavg()[0]! * 10) / 10;
    return { connections: count, resources, seedSeconds, loadAverage, files, runs };
  } finally {
    await browser.close();
    await server.stop();
    rmSync(built, { recursive: true, force: true });
    rmSync(eventsFile, { force: true });
  }
}

export function printTopology(figures: TopologyFigures): string {
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  return [
    `#### The topology page in headless Chromium: ${figures.connections} connections, ${figures.resources} resources (seeded through the API in ${figures.seedSeconds} s; load average ${figures.loadAverage} on ${availableParallelism()} CPUs)`,
    '',
    '| view | drawn: resources / connections | load to drawn ms | longest main-thread task ms | tasks > 50 ms | tasks > 200 ms | screenshot |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...figures.runs.map(
      (r) =>
        `| ${r.view} | ${r.nodesDrawn} / ${r.edgesDrawn} | ${r.drawnMs} | ${r.longestTaskMs} | ${r.tasksOver50ms} | ${r.tasksOver200ms} | ${r.screenshot} |`,
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
  const { writeFileSync } = await import('node:fs');
  writeFileSync('.data/bench-topology.json', `${JSON.stringify(figures, null, 2)}\n`);
}
