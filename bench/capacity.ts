/**
 * `npm run bench:capacity`: what environments cost and how far one goes, under the partition model
 * (testkit/partition-model.ts), for the design of 424c694 ("before": one partition per environment,
 * every index projecting every attribute, details in the connection item, no deadline index) and
 * today's ("after": shards per environment that grow, indexes projecting the row, large details
 * beside the connection). Prints markdown for docs/capacity.md (capacity-report.ts) and writes
 * .data/bench-capacity.json:
 *
 * 1. request units, Queries and rounds of every route at 0 B, 1 KB and 4 KB of details (300
 *    connections), and at 20, 300 and 5,000 connections (1 KB);
 * 2. the monthly cost of two stated workloads over a stated mix of environment and page sizes;
 * 3. read amplification of whole listings at 1, 2, 8 and 32 shards;
 * 4. one environment's mass status change at 1 KB: before, and grown to 32 shards;
 * 5. a list page's latency for 20 connections, before and after paired in one run;
 * 6. the budgets.
 *
 * Settings (environment): BENCH_MASS_BEFORE / BENCH_MASS_AFTER servers in the mass change (7
 * connections each; defaults 40 and 240), BENCH_CALLERS (48), BENCH_WCU per partition (10, AWS's
 * 1,000 at 1:100), BENCH_RETRY_SCALE (0.1: a caller waits a tenth of the Retry-After it is given),
 * BENCH_LATENCY_SAMPLES (400).
 */
import './env.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { startLocalDatabase } from '../local/environment.ts';
import { createDocumentClient } from '#store/client.ts';
import { DEFAULT_LAYOUT, DEFAULT_SHARD_GROWTH, TABLE } from '#store/table-definition.ts';
import {
  DOCUMENT_WORKLOAD,
  monthlyCost,
  READ_HEAVY_WORKLOAD,
  type MonthlyCost,
  type Workload,
} from './capacity-prices.ts';
import { printCapacity, budgets } from './capacity-report.ts';
import { measureRoutes, naturalShards, type Design, type RouteCost } from './capacity-routes.ts';
import { storage } from './capacity-storage.ts';
import { pairedListLatency } from './capacity-timing.ts';
import { massChange, type MassChange } from './mass-change.ts';
import { setting } from './report.ts';
import { measureShardedReads } from './sharded-reads.ts';

export const BEFORE: Design = {
  name: 'before',
  layout: { shards: { ...DEFAULT_SHARD_GROWTH, max: 1 }, inlineDetailsBytes: Infinity },
  projection: 'ALL',
  indexes: ['bySource', 'byTarget', 'byStatus', 'byEnvironment'],
};
export const AFTER: Design = { name: 'after', layout: DEFAULT_LAYOUT, projection: TABLE.projection };
export const DETAILS_SIZES = [0, 1024, 4096] as const;
export const ENVIRONMENT_SIZES = [20, 300, 5000] as const;

const settings = {
  massBefore: setting('BENCH_MASS_BEFORE', 40),
  massAfter: setting('BENCH_MASS_AFTER', 240),
  callers: setting('BENCH_CALLERS', 48),
  wcu: setting('BENCH_WCU', 10),
  retryScale: setting('BENCH_RETRY_SCALE', 0.1),
  latencySamples: setting('BENCH_LATENCY_SAMPLES', 400),
};

const tableName = process.env.TABLE_NAME!;
const secret = process.env.PAGE_TOKEN_SECRET!;
const dynamo = await startLocalDatabase({ tableName, dataDir: ':memory:' });
const log = (text: string) => console.error(`capacity: ${text}…`);
const shardsAt = (size: number) =>
  naturalShards(size, DEFAULT_SHARD_GROWTH.growthConnections, DEFAULT_SHARD_GROWTH.max);
/** Route costs by design, details size and environment size. */
const routes: Record<string, Record<string, RouteCost[]>> = { before: {}, after: {} };
const at = (design: Design, bytes: number, size: number) =>
  measureRoutes(dynamo.endpoint, tableName, secret, design, bytes, {
    size,
    shardCount: Math.min(shardsAt(size), design.layout.shards.max),
  });
const key = (bytes: number, size: number) => `${bytes}@${size}`;
const mass: MassChange[] = [];
let results;
try {
  for (const design of [BEFORE, AFTER]) {
    for (const bytes of DETAILS_SIZES) {
      log(`${design.name}, ${bytes} B of details, 300 connections`);
      routes[design.name]![key(bytes, 300)] = await at(design, bytes, 300);
    }
    for (const size of ENVIRONMENT_SIZES.filter((s) => s !== 300)) {
      // The read-heavy workload runs on small environments only.
      for (const bytes of size === 20 ? [1024, READ_HEAVY_WORKLOAD.detailsBytes] : [1024]) {
        log(`${design.name}, ${bytes} B of details, ${size} connections`);
        routes[design.name]![key(bytes, size)] = await at(design, bytes, size);
      }
    }
    log(`${design.name}, ${READ_HEAVY_WORKLOAD.detailsBytes} B of details, 300 connections`);
    routes[design.name]![key(READ_HEAVY_WORKLOAD.detailsBytes, 300)] ??= await at(
      design,
      READ_HEAVY_WORKLOAD.detailsBytes,
      300,
    );
  }
  log('reads across 1, 2, 8 and 32 shards');
  const reads = await measureShardedReads(createDocumentClient(dynamo.endpoint), tableName, secret);
  const common = { callers: settings.callers, retryScale: settings.retryScale, writeUnitsPerSecond: settings.wcu };
  for (const [design, servers, shardCount, table, withoutDeadlineIndex] of [
    [BEFORE, settings.massBefore, 1, 'warm', false],
    [AFTER, settings.massAfter, 32, 'new', false],
    [AFTER, settings.massAfter, 32, 'warm', false],
    [AFTER, settings.massAfter, 32, 'warm', true],
  ] as const) {
    log(`mass status change, ${design.name}, ${shardCount} shards, ${table} table`);
    mass.push(
      await massChange(dynamo.endpoint, tableName, secret, design, {
        ...common,
        servers,
        shardCount,
        table,
        withoutDeadlineIndex,
      }),
    );
  }
  log('list latency, paired');
  const latency = await pairedListLatency(dynamo.endpoint, tableName, secret, [BEFORE, AFTER], settings.latencySamples);
  results = { reads, latency };
} finally {
  await dynamo.stop();
}

/** A workload's cost for a design, from the route costs at its details size and environment sizes. */
function priced(workload: Workload, design: Design): MonthlyCost & { retained: MonthlyCost } {
  const costs = new Map(
    workload.environments.sizes.map(({ size }) => [size, routes[design.name]![key(workload.detailsBytes, size)]!]),
  );
  const { asBeforeGb, retainedGb } = storage(design, workload);
  return {
    ...monthlyCost(workload, design.name, costs, asBeforeGb),
    retained: monthlyCost(workload, design.name, costs, retainedGb),
  };
}
const monthly = [DOCUMENT_WORKLOAD, READ_HEAVY_WORKLOAD].flatMap((workload) =>
  [BEFORE, AFTER].map((design) => priced(workload, design)),
);
const report = { settings, routes, monthly, mass, ...results };
const budget = budgets(report);
console.log(printCapacity(report, budget));
mkdirSync('.data', { recursive: true });
writeFileSync('.data/bench-capacity.json', `${JSON.stringify({ ...report, budgets: budget }, null, 2)}\n`);
process.exitCode = mass.some((m) => m.lost > 0) ? 1 : 0;
