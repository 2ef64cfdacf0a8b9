/**
 * The topology page following changes live (headless Chromium, 1400 × 900, against the local server
 * as `npm start` runs it): BENCH_TOPOLOGY_LIVE status changes (default 100), one at a time, each made
 * through the API; for each, the time from the API's answer (the change is committed) to the page
 * publishing the edge at its new status (`data-statuses` of its published edge), and the graph
 * requests the page sent meanwhile (none while it is live). `npm run bench:topology-live`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnLocalServer } from '../local/child-server.ts';
import { mintToken } from '../local/jwt.ts';
import { launchChromium } from '../testkit/browser.ts';

const CHANGES = Number(process.env.BENCH_TOPOLOGY_LIVE ?? 100);
/** Connections on the page while it is measured: a small environment, drawn resource by resource. */
const SEEDED = 24;
const STATUSES = ['connecting', 'connected', 'failed', 'disconnected'] as const;

/** Run in the page: whether the element `selector` has `data-<name>` equal to `value` (this file has no DOM types). */
function dataOf([selector, name, value]: readonly [string, string, string]): boolean {
  const { document } = globalThis as unknown as {
    document: { querySelector(selector: string): { dataset: Record<string, string | undefined> } | null };
  };
  return document.querySelector(selector)?.dataset[name] === value;
}

const secret = 'bench-topology-live-secret';
const eventsFile = join(tmpdir(), `rc-bench-topology-live-${process.pid}.ndjson`);
const server = await spawnLocalServer({ LOCAL_JWT_SECRET: secret, LOCAL_EVENTS_FILE: eventsFile });
const browser = await launchChromium();
try {
  const token = mintToken({ projects: ['bench/*'], scopes: ['connections:read', 'connections:write'] }, secret);
  const base = `${server.url}/api/bench/live/resource-connections`;
  const send = async (method: string, url: string, body: unknown) => {
    const answer = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!answer.ok) throw new Error(`${method} ${url}: ${answer.status} ${await answer.text()}`);
    return (await answer.json()) as { id: string };
  };
  const ids: string[] = [];
  for (let i = 0; i < SEEDED; i++)
    ids.push(
      (
        await send('POST', base, {
          sourceResourceType: 'application',
          sourceResourceId: `app-${i}`,
          targetResourceType: 'instance',
          targetResourceId: `i-${i % 6}`,
        })
      ).id,
    );

  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  let graphReads = 0;
  page.on('request', (request) => void (request.url().includes('/graph?') && graphReads++));
  await page.goto(`${server.url}/topology#project=bench&env=live&token=${token}`);
  await page.waitForFunction(dataOf, ['#live-state', 'state', 'live'] as const, { timeout: 30_000 });
  await page.waitForFunction(dataOf, ['[data-testid="graph"]', 'state', 'ready'] as const, { timeout: 30_000 });
  const readsBefore = graphReads;

  const latencies: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const id = ids[i % SEEDED]!;
    const status = STATUSES[Math.floor(i / SEEDED) % STATUSES.length]!;
    // The page publishes each edge's status and its count, as `status:count` pairs.
    const edge = `[data-testid="graph-edges"] li[data-source="application/app-${i % SEEDED}"]`;
    const shown = page.waitForFunction(dataOf, [edge, 'statuses', `${status}:1`] as const, {
      polling: 'raf',
      timeout: 30_000,
    });
    await send('PATCH', `${base}/${id}`, { status });
    const committed = performance.now();
    await shown;
    latencies.push(performance.now() - committed);
  }

  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)]!);
  const figures = {
    changes: CHANGES,
    connections: SEEDED,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    maxMs: at(1),
    graphRequestsWhileLive: graphReads - readsBefore,
    loadAverage: Math.round(loadavg()[0]! * 10) / 10,
  };
  console.log(
    [
      `#### The topology page following changes live (headless Chromium, 1400 × 900; load average ${figures.loadAverage} on ${availableParallelism()} CPUs)`,
      '',
      '| changes | connections on the page | API answer → page shows it p50 ms | p95 ms | max ms | graph requests meanwhile |',
      '| ---: | ---: | ---: | ---: | ---: | ---: |',
      `| ${figures.changes} | ${figures.connections} | ${figures.p50Ms} | ${figures.p95Ms} | ${figures.maxMs} | ${figures.graphRequestsWhileLive} |`,
    ].join('\n'),
  );
  mkdirSync('.data', { recursive: true });
  writeFileSync('.data/bench-topology-live.json', `${JSON.stringify(figures, null, 2)}\n`);
} finally {
  await browser.close();
  await server.stop();
  rmSync(eventsFile, { force: true });
}
