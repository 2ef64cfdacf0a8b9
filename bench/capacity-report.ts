/** The capacity benchmark's figures as markdown tables, and its budgets (bench/capacity.ts). */
import {
  DOCUMENT_WORKLOAD,
  LAMBDA,
  PAGE_MIX,
  PRICE,
  PUBLISHER,
  READ_HEAVY_WORKLOAD,
  type MonthlyCost,
} from './capacity-prices.ts';
import { listRoute, PAGE_SIZES, type RouteCost } from './capacity-routes.ts';
import type { PairedLatency } from './capacity-timing.ts';
import type { MassChange } from './mass-change.ts';
import { MODEL_SCALE } from '../testkit/partition-model.ts';
import { machine, ratio, table, verdict } from './report.ts';
import type { ShardedRead } from './sharded-reads.ts';

export interface CapacityReport {
  readonly settings: Record<string, number>;
  /** Route costs by design, then by `${detailsBytes}@${connections}`. */
  readonly routes: Record<string, Record<string, RouteCost[]>>;
  readonly monthly: (MonthlyCost & { retained: MonthlyCost })[];
  readonly reads: ShardedRead[];
  readonly mass: MassChange[];
  readonly latency: PairedLatency;
}

export interface Budget {
  readonly budget: string;
  readonly measured: string;
  readonly ok: boolean;
}

/** The capacity budgets (docs/capacity.md), as the figures show them. */
export const LIMITS = {
  readHeavyDollars: 799,
  documentDollars: 178,
  changesPerSecond: 8000,
  statusChangeWru: 11,
  keyedCreateWru: 21,
  amplification: 1.25,
  latencyRatio: 1.2,
} as const;
const SMALL = [20, 300] as const;
const SMALL_DETAILS = READ_HEAVY_WORKLOAD.detailsBytes;

const cost = (r: CapacityReport, design: string, bytes: number, size: number, route: string): RouteCost => {
  const found = r.routes[design]?.[`${bytes}@${size}`]?.find((c) => c.route === route);
  if (!found) throw new Error(`no figures for ${design} ${route} at ${bytes} B, ${size} connections`);
  return found;
};
const n = (value: number) => (Math.round(value * 1000) / 1000).toString();
const money = (value: number) => value.toFixed(2);

export function budgets(r: CapacityReport): Budget[] {
  const lists = (size: number) =>
    r.routes.after![`${SMALL_DETAILS}@${size}`]!.filter((c) => c.route.startsWith('list page: '));
  const overQueries = SMALL.flatMap((size) =>
    lists(size)
      .filter((c) => c.queries > (c.route.includes('includeDeleted') ? 2 : 1))
      .map((c) => `${c.route} at ${size}: ${c.queries}`),
  );
  const graphQueries = SMALL.map((size) => cost(r, 'after', SMALL_DETAILS, size, 'graph page').queries);
  const readRoutes = [
    'get',
    'history page',
    'resource connections page',
    'graph page',
    ...PAGE_SIZES.flatMap((l) =>
      ['no filter', 'target type+id', 'status', 'includeDeleted', 'sourceResourceType'].map((f) => listRoute(f, l)),
    ),
  ];
  const moreRru = SMALL.flatMap((size) =>
    readRoutes.flatMap((route) => {
      const [a, b] = ['after', 'before'].map((d) => cost(r, d, SMALL_DETAILS, size, route).read);
      return a! > b! + 1e-9 ? [`${route} at ${size}: ${n(a!)} > ${n(b!)}`] : [];
    }),
  );
  const month = (workload: string, design: string) =>
    r.monthly.find((m) => m.workload === workload && m.design === design)!;
  const heavy = month(READ_HEAVY_WORKLOAD.name, 'after');
  const heavyBefore = month(READ_HEAVY_WORKLOAD.name, 'before');
  const document = month(DOCUMENT_WORKLOAD.name, 'after');
  const documentDb = document.dollars.dynamodb + document.dollars.storage;
  const grown = r.mass.find((m) => m.design === 'after' && m.table === 'warm' && m.indexes === 'all')!;
  const status = [1024, 4096].map((bytes) => cost(r, 'after', bytes, 300, 'patch: status').write);
  const keyed = cost(r, 'after', 1024, 300, 'create with Idempotency-Key').write;
  const gets = [1024, 4096].map((bytes) => cost(r, 'after', bytes, 300, 'get'));
  const amplified = r.reads.filter((x) => x.limit === 50 && x.allPages > LIMITS.amplification);
  return [
    {
      budget: 'a list page, any filter, 20 and 300 connections: 1 Query (2 with includeDeleted)',
      measured: overQueries.length ? overQueries.join('; ') : 'every page within, at limits 20, 50 and 100',
      ok: overQueries.length === 0,
    },
    {
      budget: 'a graph page, 20 and 300 connections: 1 Query',
      measured: graphQueries.join(', '),
      ok: graphQueries.every((q) => q === 1),
    },
    {
      budget: `reads, 20 and 300 connections, ${SMALL_DETAILS} B details: RRU no more than before (424c694)`,
      measured: moreRru.length ? moreRru.join('; ') : `${readRoutes.length} read routes within`,
      ok: moreRru.length === 0,
    },
    {
      budget: `list p50, 20 connections, DynamoDB Local: at most ${LIMITS.latencyRatio}× before`,
      measured: `${n(r.latency.afterMs)} ms / ${n(r.latency.beforeMs)} ms = ${ratio(r.latency.ratio)} (${r.latency.samples} pairs)`,
      ok: r.latency.ratio <= LIMITS.latencyRatio,
    },
    {
      budget: `read-heavy workload, DynamoDB: at most $${LIMITS.readHeavyDollars} a month; its reads no more than before`,
      measured:
        `$${money(heavy.dollars.dynamodb)} (reads $${money(heavy.rru * PRICE.rru)}, writes $${money(heavy.wru * PRICE.wru)}); ` +
        `before $${money(heavyBefore.dollars.dynamodb)} (reads $${money(heavyBefore.rru * PRICE.rru)}, writes $${money(heavyBefore.wru * PRICE.wru)}); ` +
        `the whole service $${money(heavy.total)}`,
      ok: heavy.dollars.dynamodb <= LIMITS.readHeavyDollars && heavy.rru <= heavyBefore.rru * (1 + 1e-9),
    },
    {
      budget: `capacity document's workload, DynamoDB: at most $${LIMITS.documentDollars} a month`,
      measured: `$${money(documentDb)} (storage as before: six versions a connection)`,
      ok: documentDb <= LIMITS.documentDollars,
    },
    {
      budget: `one grown environment (32 shards, warmed table): at least ${LIMITS.changesPerSecond.toLocaleString('en-US')} status changes/s at 1 KB`,
      measured: `${(grown.endToEnd * MODEL_SCALE).toLocaleString('en-US')}/s end to end, ${(grown.sustained * MODEL_SCALE).toLocaleString('en-US')}/s sustained`,
      ok: grown.endToEnd * MODEL_SCALE >= LIMITS.changesPerSecond,
    },
    {
      budget: `a status change: at most ${LIMITS.statusChangeWru} WRU at 1 KB and 4 KB`,
      measured: status.map(n).join(' and '),
      ok: status.every((w) => w <= LIMITS.statusChangeWru),
    },
    {
      budget: `a keyed create: at most ${LIMITS.keyedCreateWru} WRU (1 KB)`,
      measured: n(keyed),
      ok: keyed <= LIMITS.keyedCreateWru,
    },
    {
      budget: 'a get of a connection with large details: one round trip',
      measured: gets.map((g) => `${g.queries} Query, ${g.rounds} round`).join('; '),
      ok: gets.every((g) => g.rounds === 1 && g.queries === 1),
    },
    {
      budget: `read amplification over every page of a listing, page of 50: at most ${LIMITS.amplification}`,
      measured: amplified.length
        ? `over: ${amplified.map((x) => `${x.filter} at ${x.shards} shards ${n(x.allPages)}`).join('; ')}`
        : 'every filter within at 1, 2, 8 and 32 shards',
      ok: amplified.length === 0,
    },
  ];
}

export function printCapacity(r: CapacityReport, budget: readonly Budget[]): string {
  const details = [0, 1024, 4096];
  const routeTable = (design: string) =>
    table(
      ['route', ...details.map((b) => (b ? `${b / 1024} KB details` : '0 B details')), 'Queries (1 KB)'],
      r.routes[design]![`1024@300`]!.filter((c) => !c.route.includes('(limit')).map((c) => [
        c.route,
        ...details.map((b) => {
          const x = cost(r, design, b, 300, c.route);
          return `${n(x.read)} / ${n(x.write)}`;
        }),
        c.queries,
      ]),
    );
  const sizes = [20, 300, 5000];
  const sizeRoutes = [
    'get',
    'patch: status',
    'list page: no filter',
    'list page: target type+id',
    'list page: includeDeleted',
    'graph page',
    'neighbourhood, depth 2',
  ];
  const sizeTable = table(
    ['route (1 KB details)', ...sizes.map((s) => `${s} connections`)],
    sizeRoutes.map((route) => [
      route,
      ...sizes.map((s) => {
        const x = cost(r, 'after', 1024, s, route);
        return `${n(x.read)} / ${n(x.write)} · ${x.queries} Q`;
      }),
    ]),
  );
  const monthlyTable = table(
    [
      'workload',
      'design',
      'million WRU',
      'million RRU',
      'storage GB',
      'DynamoDB',
      'storage',
      'API',
      'Lambda',
      'events',
      'publisher',
      'sweep',
      'USD / month',
      'with retention',
    ],
    r.monthly.map((m) => [
      m.workload,
      m.design,
      n(m.wru / 1e6),
      n(m.rru / 1e6),
      `${n(m.storageGb)} (${n(m.retained.storageGb)})`,
      money(m.dollars.dynamodb),
      money(m.dollars.storage),
      money(m.dollars.api),
      money(m.dollars.lambda),
      money(m.dollars.events),
      money(m.dollars.publisher),
      money(m.dollars.sweep),
      money(m.total),
      money(m.retained.total),
    ]),
  );
  const readsTable = table(
    ['shards', 'filter', 'limit', 'first page', 'every page', 'pages', 'Queries per page', 'rounds: mean / max'],
    r.reads.map((x) => [
      x.shards,
      x.filter,
      x.limit,
      x.firstPage.toFixed(2),
      x.allPages.toFixed(3),
      x.pages,
      x.queriesPerPage.toFixed(1),
      `${x.meanRounds.toFixed(2)} / ${x.maxRounds}`,
    ]),
  );
  const massTable = table(
    [
      'design',
      'shards',
      'table',
      'indexes charged',
      'connections',
      'seconds',
      'end to end /s',
      'sustained /s',
      'real terms (×100): end to end, sustained',
      '503 answers',
      'throttled',
      'lost',
    ],
    r.mass.map((m) => [
      m.design,
      m.shards,
      m.table ?? 'new',
      m.indexes,
      m.connections,
      m.seconds,
      m.endToEnd,
      m.sustained,
      `${(m.endToEnd * MODEL_SCALE).toLocaleString('en-US')}, ${(m.sustained * MODEL_SCALE).toLocaleString('en-US')}`,
      m.answered503,
      m.throttledRequests,
      m.lost,
    ]),
  );
  return [
    `machine: ${machine()}; settings: ${Object.entries(r.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
    '#### after: request units per request (RRU / WRU), 300 connections',
    routeTable('after'),
    '#### before (424c694): request units per request (RRU / WRU), 300 connections',
    routeTable('before'),
    '#### after, by environment size (1 KB details): RRU / WRU · Queries',
    sizeTable,
    `#### Monthly cost (on-demand, us-east-1). Environments: ${DOCUMENT_WORKLOAD.environments.sizes.map((e) => `${e.size} connections ${(e.share * 100).toFixed(0)} % of requests`).join(', ')}; list pages ${Object.entries(
      PAGE_MIX,
    )
      .map(([l, s]) => `${s * 100} % at ${l}`)
      .join(
        ', ',
      )}; Lambda ${LAMBDA.overheadMs} ms + ${LAMBDA.roundMs} ms a round of calls at ${LAMBDA.memoryGb * 1024} MB; publisher ${PUBLISHER.eventsPerBatch} events a batch`,
    monthlyTable,
    '#### Reads across shards: items examined per item answered, Queries and rounds per page (1,000 connections, half deleted)',
    readsTable,
    `#### One environment's mass status change at 1 KB details, ${r.settings.wcu} WCU/s per partition (AWS's 1,000 at 1:${MODEL_SCALE})`,
    massTable,
    '#### Budgets',
    table(
      ['budget', 'measured', ''],
      budget.map((b) => [b.budget, b.measured, verdict(b.ok)]),
    ),
  ].join('\n\n');
}
