/**
 * `npm run bench:load`: a mixed workload (creates, filtered lists, gets, patches) at a fixed
 * concurrency against the local server (or API_URL with API_TOKEN and API_PROJECT), then a check
 * that every acknowledged create reads back. Prints req/s, p50/p99 and errors per operation and
 * writes the same figures to .data/bench-load.json. A benchmark, not a test: it fails only on
 * errors or lost writes.
 *
 * BENCH_SECONDS (default 60) and BENCH_CONCURRENCY (default 32) set the run.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { spawnLocalServer, type RunningServer } from '../local/child-server.ts';
import { mintToken } from '../local/jwt.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 60);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
type Op = 'create' | 'list' | 'get' | 'patch';

let server: RunningServer | undefined;
let baseUrl = process.env.API_URL?.replace(/\/$/, '');
let token = process.env.API_TOKEN ?? '';
const project = process.env.API_PROJECT ?? 'bench';
if (!baseUrl) {
  const secret = 'bench-secret';
  server = await spawnLocalServer({ LOCAL_JWT_SECRET: secret });
  baseUrl = server.url;
  token = mintToken({ projects: [`${project}/*`] }, secret);
}
const base = `${baseUrl}/api/${project}/b${randomBytes(4).toString('hex')}/resource-connections`;

const latencies: Record<Op, number[]> = { create: [], list: [], get: [], patch: [] };
const errors: Record<Op, number> = { create: 0, list: 0, get: 0, patch: 0 };
const errorSamples: string[] = [];
const acknowledged: string[] = [];
let sequence = 0;

async function request(
  op: Op,
  method: string,
  url: string,
  body?: unknown,
  expected = 200,
): Promise<Record<string, unknown> | undefined> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const parsed = (await response.json()) as Record<string, unknown>;
    latencies[op].push(performance.now() - started);
    if (response.status !== expected) {
      errors[op]++;
      if (errorSamples.length < 5)
        errorSamples.push(`${op} ${response.status} ${JSON.stringify(parsed).slice(0, 200)}`);
      return undefined;
    }
    return parsed;
  } catch (error) {
    errors[op]++;
    if (errorSamples.length < 5) errorSamples.push(`${op} ${String(error)}`);
    return undefined;
  }
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

async function one(): Promise<void> {
  const roll = Math.random();
  if (roll < 0.25 || acknowledged.length < 10) {
    const n = sequence++;
    const created = await request(
      'create',
      'POST',
      base,
      {
        sourceResourceType: 'application',
        sourceResourceId: `app-${n}`,
        targetResourceType: 'instance',
        targetResourceId: `i-${n % 50}`,
        details: { port: 8000 + (n % 100) },
      },
      201,
    );
    if (created) acknowledged.push(String(created.id));
  } else if (roll < 0.6) {
    const filter = pick([
      '',
      '?sourceResourceType=application',
      `?targetResourceType=instance&targetResourceId=i-${Math.floor(Math.random() * 50)}`,
      '?status=connecting',
      '?limit=10',
    ]);
    await request('list', 'GET', `${base}${filter}`);
  } else if (roll < 0.85) {
    await request('get', 'GET', `${base}/${pick(acknowledged)}`);
  } else {
    await request('patch', 'PATCH', `${base}/${pick(acknowledged)}`, {
      statusReason: `tick ${sequence}`,
      details: { seen: sequence },
    });
  }
}

const deadline = Date.now() + seconds * 1000;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (Date.now() < deadline) await one();
  }),
);
const elapsed = (performance.now() - started) / 1000;

// Every acknowledged create must read back.
let lost = 0;
for (let i = 0; i < acknowledged.length; i += 50) {
  const answers = await Promise.all(
    acknowledged
      .slice(i, i + 50)
      .map((id) => fetch(`${base}/${id}`, { headers: { authorization: `Bearer ${token}` } })),
  );
  lost += answers.filter((a) => a.status !== 200).length;
}
await server?.stop();

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;
};
const rows = (Object.keys(latencies) as Op[]).map((op) => ({
  op,
  requests: latencies[op].length,
  perSecond: latencies[op].length / elapsed,
  p50ms: percentile(latencies[op], 50),
  p99ms: percentile(latencies[op], 99),
  errors: errors[op],
}));
const all = Object.values(latencies).flat();
const total = {
  op: 'all',
  requests: all.length,
  perSecond: all.length / elapsed,
  p50ms: percentile(all, 50),
  p99ms: percentile(all, 99),
  errors: Object.values(errors).reduce((a, b) => a + b, 0),
};
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;

console.log(
  `\nload: ${seconds} s at concurrency ${concurrency} against ${server ? 'the local server (DynamoDB Local in memory)' : baseUrl}`,
);
console.log(`machine: ${machine}\n`);
console.log('| operation | requests | req/s | p50 ms | p99 ms | errors |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const r of [...rows, total]) {
  console.log(
    `| ${r.op} | ${r.requests} | ${r.perSecond.toFixed(1)} | ${r.p50ms.toFixed(1)} | ${r.p99ms.toFixed(1)} | ${r.errors} |`,
  );
}
console.log(`\nacknowledged creates: ${acknowledged.length}, lost writes: ${lost}`);
if (errorSamples.length) console.log(`error samples:\n  ${errorSamples.join('\n  ')}`);
mkdirSync('.data', { recursive: true });
writeFileSync(
  '.data/bench-load.json',
  `${JSON.stringify({ seconds, concurrency, machine, rows: [...rows, total], acknowledged: acknowledged.length, lost }, null, 2)}\n`,
);
process.exitCode = total.errors === 0 && lost === 0 ? 0 : 1;
