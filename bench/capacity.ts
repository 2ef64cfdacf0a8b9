/**
 * `npm run bench:capacity`: what one environment costs and how far it goes, under the partition
 * model (testkit/partition-model.ts), for the design before (one partition per environment, every
 * index projecting every attribute, details in the connection item) and after (8 shards, indexes
 * projecting the row, large details beside the connection). Prints markdown for docs/capacity.md
 * and writes .data/bench-capacity.json:
 *
 * 1. request units of every route at 0 B, 1 KB and 4 KB of details, both designs;
 * 2. the monthly cost of a stated workload at on-demand prices (design.md §7);
 * 3. reads across shards: items examined per item answered, rounds, token length (after only);
 * 4. one environment's mass status change at 1 KB: sustained changes/s before and after.
 *
 * Settings (environment): BENCH_MASS_BEFORE / BENCH_MASS_AFTER servers in the mass change (7
 * connections each; defaults 40 and 240), BENCH_CALLERS (48), BENCH_WCU per partition (10, AWS's
 * 1,000 at 1:100), BENCH_RETRY_SCALE (0.1: a caller waits a tenth of the Retry-After it is given).
 */
import './env.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { startLocalDatabase } from '../local/environment.ts';
import { createDocumentClient } from '#store/client.ts';
import { storedItems } from '#store/connection-item.ts';
import { DEFAULT_LAYOUT, projectionOf, TABLE, type IndexName } from '#store/table-definition.ts';
import { itemSize } from '../testkit/item-size.ts';
import { platformConnections } from '../testkit/platform.ts';
import { measureRoutes, type Design, type RouteCost } from './capacity-routes.ts';
import { massChange, type MassChange } from './mass-change.ts';
import { machine, ratio, setting, table } from './report.ts';
import { measureShardedReads, type ShardedRead } from './sharded-reads.ts';

export const DESIGNS: readonly Design[] = [
  // Before the store's rework, and before deadlines: no byDeadline index.
  {
    name: 'before',
    layout: { shardCount: 1, inlineDetailsBytes: Infinity },
    projection: 'ALL',
    indexes: ['bySource', 'byTarget', 'byStatus', 'byEnvironment'],
  },
  { name: 'after', layout: DEFAULT_LAYOUT, projection: TABLE.projection },
];
const SIZES = [0, 1024, 4096] as const;
const PRICE = { wru: 0.625 / 1e6, rru: 0.125 / 1e6, gbMonth: 0.25 };

/** The workload priced in section 2: one month of a platform with 1,000,000 live connections. */
const WORKLOAD: readonly [string, number][] = [
  ['create with Idempotency-Key', 2_000_000],
  ['patch: status', 10_000_000],
  ['patch: details', 1_000_000],
  ['delete', 1_000_000],
  ['restore', 100_000],
  ['get', 30_000_000],
  ['list page: target type+id', 10_000_000],
  ['list page: status', 5_000_000],
  ['list page: no filter', 5_000_000],
  ['history page', 2_000_000],
  ['graph page (per edge)', 250_000_000],
  ['neighbourhood, depth 2', 1_000_000],
  ['cascade (per connection)', 500_000],
];
const LIVE_CONNECTIONS = 1_000_000;
const VERSIONS_PER_CONNECTION = 6;

const settings = {
  massBefore: setting('BENCH_MASS_BEFORE', 40),
  massAfter: setting('BENCH_MASS_AFTER', 240),
  callers: setting('BENCH_CALLERS', 48),
  wcu: setting('BENCH_WCU', 10),
  retryScale: setting('BENCH_RETRY_SCALE', 0.1),
};

const tableName = process.env.TABLE_NAME!;
const secret = process.env.PAGE_TOKEN_SECRET!;
const dynamo = await startLocalDatabase({ tableName, dataDir: ':memory:' });
const routes: Record<string, Record<number, RouteCost[]>> = {};
let reads: ShardedRead[];
const mass: MassChange[] = [];
try {
  for (const design of DESIGNS) {
    routes[design.name] = {};
    for (const size of SIZES) {
      console.error(`capacity: ${design.name}, ${size} B of details…`);
      routes[design.name]![size] = await measureRoutes(dynamo.endpoint, tableName, secret, design, size);
    }
  }
  console.error('capacity: reads across shards…');
  reads = await measureShardedReads(createDocumentClient(dynamo.endpoint), tableName, secret);
  for (const design of DESIGNS) {
    console.error(`capacity: mass status change, ${design.name}…`);
    mass.push(
      await massChange(dynamo.endpoint, tableName, secret, design, {
        servers: design.name === 'before' ? settings.massBefore : settings.massAfter,
        callers: settings.callers,
        retryScale: settings.retryScale,
        writeUnitsPerSecond: settings.wcu,
      }),
    );
  }
} finally {
  await dynamo.stop();
}

const round = (n: number) => (Math.round(n * 1000) / 1000).toString();
const cost = (design: string, size: number, route: string) => routes[design]![size]!.find((r) => r.route === route)!;

const routeTables = DESIGNS.map((design) =>
  [
    `#### ${design.name}: request units per request (RRU / WRU)`,
    table(
      ['route', ...SIZES.map((s) => `${s === 0 ? '0 B' : `${s / 1024} KB`} details`)],
      routes[design.name]![0]!.map((r) => [
        r.route,
        ...SIZES.map((s) => {
          const c = cost(design.name, s, r.route);
          return `${round(c.read)} / ${round(c.write)}`;
        }),
      ]),
    ),
  ].join('\n\n'),
);

/** Bytes stored per live connection: its items, its index entries, and AWS's 100 bytes of overhead each. */
function storedBytes(design: Design): number {
  // Most live connections of a platform are connected: no deadline, so no byDeadline entry.
  const [c] = platformConnections({ projectSlug: 'p', environmentSlug: 'e' }, 1, 1024, 'connected');
  const items = storedItems(c!, design.layout).map((item) => marshall(item, { removeUndefinedValues: true }));
  const head = items[0]!;
  /** The head item's entry in `index`, as the design projects it; 0 when it has none there. */
  const entryBytes = (index: IndexName): number => {
    const definition = TABLE.indexes[index];
    if (!head[definition.partitionKey]) return 0;
    const keys = [definition.partitionKey, definition.sortKey, TABLE.partitionKey, TABLE.sortKey] as string[];
    const kept =
      projectionOf(definition).type === 'KEYS_ONLY'
        ? keys
        : design.projection === 'ALL'
          ? Object.keys(head)
          : [...keys, ...TABLE.projection];
    return itemSize(Object.fromEntries(Object.entries(head).filter(([name]) => kept.includes(name)))) + 100;
  };
  const indexes = design.indexes ?? (Object.keys(TABLE.indexes) as IndexName[]);
  const history = 300; // a status change's entry; the first one holds the details too
  return (
    items.reduce((sum, item) => sum + itemSize(item) + 100, 0) +
    indexes.reduce((sum, index) => sum + entryBytes(index), 0) +
    VERSIONS_PER_CONNECTION * (history + 100) +
    1024
  );
}

const monthly = DESIGNS.map((design) => {
  let wru = 0;
  let rru = 0;
  for (const [route, count] of WORKLOAD) {
    const c = cost(design.name, 1024, route);
    wru += c.write * count;
    rru += c.read * count;
  }
  const gb = (storedBytes(design) * LIVE_CONNECTIONS) / 2 ** 30;
  return { design: design.name, wru, rru, gb, dollars: wru * PRICE.wru + rru * PRICE.rru + gb * PRICE.gbMonth };
});

const output = [
  `machine: ${machine()}; settings: ${Object.entries(settings)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')}`,
  ...routeTables,
  '#### Monthly cost of the stated workload at 1 KB details (on-demand, us-east-1)',
  table(
    ['design', 'million WRU', 'million RRU', 'storage GB', 'USD / month'],
    monthly.map((m) => [m.design, round(m.wru / 1e6), round(m.rru / 1e6), round(m.gb), m.dollars.toFixed(2)]),
  ),
  '#### Reads across 8 shards (after): items examined per item answered, rounds, token',
  table(
    ['filter', 'limit', 'first page', 'every page', 'pages', 'rounds: mean / max', 'longest token (chars)'],
    reads!.map((r) => [
      r.filter,
      r.limit,
      r.firstPage.toFixed(2),
      r.allPages.toFixed(3),
      r.pages,
      `${r.meanRounds.toFixed(2)} / ${r.maxRounds}`,
      r.maxTokenChars,
    ]),
  ),
  `#### One environment's mass status change at 1 KB details, ${settings.wcu} WCU/s per partition`,
  table(
    ['design', 'connections', 'callers', 'seconds', 'sustained changes/s', '503 answers', 'throttled requests', 'lost'],
    mass.map((m) => [
      m.design,
      m.connections,
      m.callers,
      m.seconds,
      m.sustained,
      m.answered503,
      m.throttledRequests,
      m.lost,
    ]),
  ),
  `after / before: ${ratio(mass[1]!.sustained / mass[0]!.sustained, 1)}`,
].join('\n\n');

console.log(output);
mkdirSync('.data', { recursive: true });
writeFileSync(
  '.data/bench-capacity.json',
  `${JSON.stringify({ settings, routes, monthly, reads: reads!, mass }, null, 2)}\n`,
);
process.exitCode = mass.some((m) => m.lost > 0) ? 1 : 0;
