/**
 * `npm run bench:watch`: watching changes under `npm start` (the local server in its own process, as
 * `npm start` runs it, DynamoDB Local in memory). Two figures, each checked, neither a timed test:
 *
 * - latency: one subscriber on one environment; BENCH_WATCH_CHANGES (500) changes made one after
 *   another through HTTP (creates, then status moves); for each, the time from the HTTP answer (the
 *   change committed) to its `data` message at the subscriber. Budget: p95 within 1 s.
 * - fan-out: BENCH_WATCH_SUBSCRIBERS (200) subscribers on another environment, BENCH_WATCH_FANOUT
 *   (50) changes; every subscriber must receive every event exactly once.
 *
 * Prints the tables; `.data/bench-watch.json` keeps the samples.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { channelOf } from '../functions/realtime/channels.js';
import { spawnLocalServer } from '../local/child-server.ts';
import { mintToken } from '../local/jwt.ts';
import { machine, ms, percentile, setting, table, verdict } from './report.ts';

const settings = {
  changes: setting('BENCH_WATCH_CHANGES', 500),
  subscribers: setting('BENCH_WATCH_SUBSCRIBERS', 200),
  fanout: setting('BENCH_WATCH_FANOUT', 50),
};
const secret = 'bench-watch-secret';
const token = mintToken({ projects: ['bench/*'] }, secret);

interface Endpoint {
  url: string;
  host: string;
  protocol: string;
}

/** A subscriber: each event id with the time it arrived (performance.now()). */
async function subscriber(endpoint: Endpoint, channel: string) {
  const authorization = { host: endpoint.host, Authorization: token };
  const header = `header-${Buffer.from(JSON.stringify(authorization)).toString('base64url')}`;
  const ws = new WebSocket(endpoint.url, [endpoint.protocol, header]);
  const arrivals: { id: string; at: number }[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; event?: string };
      if (message.type === 'connection_ack')
        ws.send(JSON.stringify({ type: 'subscribe', id: 's', channel, authorization }));
      else if (message.type === 'subscribe_success') resolve();
      else if (message.type === 'data')
        arrivals.push({ id: (JSON.parse(message.event!) as { id: string }).id, at: performance.now() });
      else if (message.type.endsWith('error')) reject(new Error(String(data)));
    });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
    ws.on('error', reject);
  });
  await ready;
  return { arrivals, close: () => ws.close() };
}

async function change(base: string, env: string, method: string, path: string, body: unknown) {
  const response = await fetch(`${base}/api/bench/${env}/resource-connections${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { id: string; version: number };
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return { eventId: `${answer.id}:${answer.version}`, id: answer.id, committedAt: performance.now() };
}

/** `count` changes, one after another: a fifth creates, the rest move statuses round a cycle. */
async function makeChanges(base: string, env: string, count: number) {
  const made: { eventId: string; committedAt: number }[] = [];
  const ids: string[] = [];
  const cycle = ['connecting', 'connected', 'disconnected', 'pending'];
  const creates = Math.max(1, Math.round(count / 5));
  for (let i = 0; i < count; i++) {
    if (i < creates) {
      const created = await change(base, env, 'POST', '', {
        sourceResourceType: 'application',
        sourceResourceId: `app-${i}`,
        targetResourceType: 'instance',
        targetResourceId: 'i-bench',
      });
      ids.push(created.id);
      made.push(created);
    } else {
      const k = i - creates;
      const id = ids[k % ids.length]!;
      made.push(
        await change(base, env, 'PATCH', `/${id}`, { status: cycle[Math.floor(k / ids.length) % cycle.length] }),
      );
    }
  }
  return made;
}

async function settle(done: () => boolean, ms: number) {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 50));
}

const server = await spawnLocalServer({ LOCAL_JWT_SECRET: secret, LOCAL_EVENTS_FILE: '/dev/null' });
try {
  const endpoint = (await (await fetch(`${server.url}/realtime`)).json()) as Endpoint;

  // Latency: one subscriber, changes one after another.
  const one = await subscriber(endpoint, channelOf('bench', 'latency'));
  const made = await makeChanges(server.url, 'latency', settings.changes);
  await settle(() => one.arrivals.length >= made.length, 10_000);
  const arrivedAt = new Map(one.arrivals.map((a) => [a.id, a.at]));
  const latencies = made.map((m) => (arrivedAt.get(m.eventId) ?? Infinity) - m.committedAt);
  const missing = made.filter((m) => !arrivedAt.has(m.eventId)).length;
  one.close();

  // Fan-out: many subscribers, each must get every event once.
  const many = await Promise.all(
    Array.from({ length: settings.subscribers }, () => subscriber(endpoint, channelOf('bench', 'fanout'))),
  );
  const fanned = await makeChanges(server.url, 'fanout', settings.fanout);
  await settle(() => many.every((s) => s.arrivals.length >= fanned.length), 20_000);
  await new Promise((resolve) => setTimeout(resolve, 1000)); // and nothing more
  const expected = fanned
    .map((m) => m.eventId)
    .sort()
    .join();
  const exactlyOnce = many.filter(
    (s) =>
      s.arrivals
        .map((a) => a.id)
        .sort()
        .join() === expected,
  ).length;
  const committedAt = new Map(fanned.map((m) => [m.eventId, m.committedAt]));
  const fanLatencies = many.flatMap((s) => s.arrivals.map((a) => a.at - committedAt.get(a.id)!));
  for (const s of many) s.close();

  const p95 = percentile(latencies, 95);
  console.log(`# Watching changes under npm start\n\n${machine()}\n`);
  console.log(
    table(
      ['figure', 'changes', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'missing', 'budget'],
      [
        [
          'commit → subscriber, 1 subscriber',
          made.length,
          ms(percentile(latencies, 50)),
          ms(p95),
          ms(percentile(latencies, 99)),
          ms(Math.max(...latencies)),
          missing,
          `p95 ≤ 1000 ms: ${verdict(p95 <= 1000 && missing === 0)}`,
        ],
        [
          `commit → subscriber, ${many.length} subscribers`,
          fanned.length,
          ms(percentile(fanLatencies, 50)),
          ms(percentile(fanLatencies, 95)),
          ms(percentile(fanLatencies, 99)),
          ms(Math.max(...fanLatencies)),
          fanned.length * many.length - fanLatencies.length,
          `every event once to each: ${verdict(exactlyOnce === many.length)} (${exactlyOnce}/${many.length})`,
        ],
      ],
    ),
  );
  mkdirSync('.data', { recursive: true });
  writeFileSync('.data/bench-watch.json', JSON.stringify({ settings, latencies, fanLatencies, exactlyOnce }, null, 1));
  if (p95 > 1000 || missing > 0 || exactlyOnce !== many.length) process.exitCode = 1;
} finally {
  await server.stop();
}
