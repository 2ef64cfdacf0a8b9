/**
 * `npm run bench`: how fast and how cheap the service is, against the floor the design allows.
 * Prints one markdown table per section and writes the same figures to .data/bench.json:
 *
 * 1. cold start as deployed (bench/cold-start.ts): each function's bundle, import and first
 *    invocation in fresh Node processes with its template's environment, paired against the floor,
 *    a bundle that only builds the DynamoDB document client;
 * 2. DynamoDB calls and consumed capacity per request, for every data route;
 * 3. handler overhead: the get and list handlers in process against the raw call each wraps;
 * 4. read amplification: ScannedCount / Count and capacity of one page per list filter, in a small
 *    and a large environment, all live and half soft-deleted;
 * 5. GET /graph: pages at 2,000 and 20,000 connections and depth-3 neighbourhoods (bench/graph.ts);
 * 6. HTTP: req/s, p50 and p99 of the local server for get, list and create;
 * 7. the topology page in headless Chromium: load to drawn and the longest main-thread task at
 *    BENCH_TOPOLOGY connections, and the page's file sizes (bench/topology-page.ts).
 *
 * A benchmark, not a test: it fails only on errors. The deterministic budgets are tests in npm test.
 * It starts and stops its own DynamoDB Local (in memory) and local server. Settings (environment):
 *
 *   BENCH_LARGE         connections in the large environment      (default 100000)
 *   BENCH_SMALL         connections in the small environment      (default 1000)
 *   BENCH_GRAPH_SMALL   connections in the small graph            (default 2000)
 *   BENCH_GRAPH_LARGE   connections in the large graph            (default 20000)
 *   BENCH_COLD_PAIRS    function/floor pairs per cold-start figure (default 21)
 *   BENCH_ITERATIONS    measured calls per handler-overhead pair  (default 300)
 *   BENCH_HTTP_SECONDS  seconds per HTTP operation                (default 5)
 *   BENCH_CONCURRENCY   requests in flight in the HTTP section    (default 16)
 *   BENCH_LIST_BUDGET   connections in the list-budget section    (default 100000)
 *   BENCH_CASCADE       connections the cascade deletes           (default 10000)
 *   BENCH_ONLY=budgets  run only the list-budget and cascade sections (bench/budget-sections.ts);
 *                       their figures replace those in .data/bench.json, the rest stays as it was
 *   BENCH_TOPOLOGY      connections drawn by the topology page    (default 2000)
 *
 * A quick run: BENCH_LARGE=5000 BENCH_COLD_PAIRS=3 BENCH_ITERATIONS=50 BENCH_HTTP_SECONDS=2 npm run bench
 */
import './env.ts';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { startLocalDatabase } from '../local/environment.ts';
import { measureColdStart, type ColdStartResults } from './cold-start.ts';
import type { BudgetResults } from './budget-sections.ts';
import type { DataResults } from './data-sections.ts';
import { measureHttp } from './http.ts';
import { machine, setting } from './report.ts';
import { budgetsHold, printAll, type Results } from './tables.ts';
import { measureTopologyPage, printTopology } from './topology-page.ts';

const settings = {
  large: setting('BENCH_LARGE', 100_000),
  small: setting('BENCH_SMALL', 1000),
  graphSmall: setting('BENCH_GRAPH_SMALL', 2000),
  graphLarge: setting('BENCH_GRAPH_LARGE', 20_000),
  coldPairs: setting('BENCH_COLD_PAIRS', 21),
  iterations: setting('BENCH_ITERATIONS', 300),
  httpSeconds: setting('BENCH_HTTP_SECONDS', 5),
  concurrency: setting('BENCH_CONCURRENCY', 16),
  listBudget: setting('BENCH_LIST_BUDGET', 100_000),
  cascade: setting('BENCH_CASCADE', 10_000),
  topology: setting('BENCH_TOPOLOGY', 2000),
};
const only = process.env.BENCH_ONLY;
if (only !== undefined && only !== 'budgets') throw new Error('BENCH_ONLY takes one value: budgets');

const started = performance.now();
const seconds: Record<string, number> = {};
async function section<T>(name: string, run: () => Promise<T>): Promise<T> {
  const t = performance.now();
  console.error(`bench: ${name}…`);
  const result = await run();
  seconds[name] = Math.round((performance.now() - t) / 100) / 10;
  return result;
}

const tableName = process.env.TABLE_NAME!;
if (only === 'budgets') {
  await budgetsOnly();
  process.exit(process.exitCode ?? 0);
}
const dynamo = await section('DynamoDB Local', () => startLocalDatabase({ tableName, dataDir: ':memory:' }));
let data: DataResults;
let coldStart: ColdStartResults;
let budgets: BudgetResults;
try {
  // First, while nothing else runs here: the bundles in their own processes, the table still small.
  coldStart = await section('cold start', () =>
    measureColdStart(settings.coldPairs, { endpoint: dynamo.endpoint, tableName }),
  );
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  // Only now, with the endpoint set, may anything build the shared client or load a handler.
  const { dataSections } = await import('./data-sections.ts');
  data = await dataSections(
    dynamo.endpoint,
    tableName,
    { ...settings, graphSizes: [settings.graphSmall, settings.graphLarge] },
    section,
  );
  const { budgetSections } = await import('./budget-sections.ts');
  budgets = await budgetSections(dynamo.endpoint, tableName, settings, section);
} finally {
  await dynamo.stop();
}
// The local server starts its own DynamoDB Local, free of the environments seeded above.
const http = await section('HTTP', () => measureHttp(settings.httpSeconds, settings.concurrency));
const topology = await section('topology page', () => measureTopologyPage(settings.topology));

const results: Results = {
  machine: machine(),
  settings,
  coldStart,
  ...data,
  ...budgets,
  http,
  seconds,
  totalSeconds: 0,
};
results.totalSeconds = Math.round((performance.now() - started) / 1000);

console.log(printAll(results));
console.log(printTopology(topology));
mkdirSync('.data', { recursive: true });
writeFileSync('.data/bench.json', `${JSON.stringify({ ...results, topology }, null, 2)}\n`);
console.error(`bench: done in ${results.totalSeconds} s; figures in .data/bench.json`);
process.exitCode =
  !budgetsHold(results) || results.http.some((h) => h.errors > 0) || results.costs.some((c) => c.status >= 500) ? 1 : 0;

/** `BENCH_ONLY=budgets`: the list-budget and cascade sections alone, merged into .data/bench.json. */
async function budgetsOnly(): Promise<void> {
  const db = await section('DynamoDB Local', () => startLocalDatabase({ tableName, dataDir: ':memory:' }));
  let budgets: BudgetResults;
  try {
    process.env.DYNAMODB_ENDPOINT = db.endpoint;
    const { budgetSections } = await import('./budget-sections.ts');
    budgets = await budgetSections(db.endpoint, tableName, settings, section);
  } finally {
    await db.stop();
  }
  const { budgetTables } = await import('./budget-sections.ts');
  const totalSeconds = Math.round((performance.now() - started) / 1000);
  console.log(
    [
      `machine: ${machine()}`,
      `settings: BENCH_LIST_BUDGET=${settings.listBudget}, BENCH_CASCADE=${settings.cascade}; run time ${totalSeconds} s`,
      ...budgetTables(budgets),
    ].join('\n\n'),
  );
  mkdirSync('.data', { recursive: true });
  const file = '.data/bench.json';
  const earlier = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const merged = {
    ...earlier,
    ...budgets,
    settings: { ...(earlier.settings as object), listBudget: settings.listBudget, cascade: settings.cascade },
    seconds: { ...(earlier.seconds as object), ...seconds },
  };
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
  console.error(`bench: done in ${totalSeconds} s; figures in ${file}`);
  process.exitCode = budgetsHold(budgets) ? 0 : 1;
}
