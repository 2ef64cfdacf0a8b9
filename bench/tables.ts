/** The benchmark's figures as markdown tables, one per section, and a summary of the budgets. */
import type { ColdStartResults } from './cold-start.ts';
import { COLD_START_BUDGET, coldStartTable, coldStartWorst } from './cold-start-table.ts';
import { budgetTables, type BudgetResults } from './budget-sections.ts';
import { cascadeHolds } from './cascade.ts';
import { graphTables } from './graph.ts';
import { caseName, readHolds } from './list-budget.ts';
import type { DataResults } from './data-sections.ts';
import { withinBudget, type RequestCost } from '../testkit/dynamo-costs.ts';
import type { HttpFigures } from './http.ts';
import { LIST_CASES, pageCost, PAGE, type Environment, type PageReads } from '../testkit/read-amplification.ts';
import { ms, ratio, table, units, verdict } from './report.ts';

export interface Results extends DataResults, BudgetResults {
  readonly machine: string;
  readonly settings: Record<string, number>;
  readonly coldStart: ColdStartResults;
  readonly http: HttpFigures[];
  /** Seconds each section took. */
  readonly seconds: Record<string, number>;
  totalSeconds: number;
}

/** The budgets the benchmark judges (bench/README.md). */
export const BUDGET = { bundle: COLD_START_BUDGET, overhead: 0.3, flat: 1.5 };

const count = (n: number) => n.toLocaleString('en-US');

/** Every list read within its budget (each match once), and the cascade complete with nothing live left. */
export const budgetsHold = (r: BudgetResults): boolean =>
  r.listBudget.reads.every((read) => readHolds(read, r.listBudget.budget)) && cascadeHolds(r.cascade);

export function printAll(r: Results): string {
  return [
    `machine: ${r.machine}`,
    `settings: ${Object.entries(r.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}; run time ${r.totalSeconds} s`,
    coldStartTable(r.coldStart),
    costTable(r.costs),
    overheadTable(r),
    readTable(r.environments),
    graphTables(r.graph),
    ...budgetTables(r),
    httpTable(r),
    budgetTable(r),
  ].join('\n\n');
}

function describeCalls(cost: RequestCost): string {
  return (
    Object.entries(cost.byOperation)
      .map(([operation, n]) => `${operation} ${n}`)
      .join(' + ') || 'none'
  );
}

function costTable(costs: readonly RequestCost[]): string {
  return [
    '### DynamoDB calls and consumed capacity per request (ReturnConsumedCapacity TOTAL, DynamoDB Local)',
    table(
      ['request', 'status', 'calls', 'capacity units', 'budget (at most)', ''],
      costs.map((c) => [
        c.per === 1 ? c.name : `${c.name} (${c.per} connections)`,
        c.status,
        c.per === 1 ? describeCalls(c) : `${describeCalls(c)} (${(c.calls.length / c.per).toFixed(2)} per connection)`,
        c.per === 1 || c.capacity === undefined
          ? units(c.capacity)
          : `${units(c.capacity)} (${units(c.capacity / c.per)} per connection)`,
        Object.entries(c.budget)
          .map(([operation, n]) => `${operation} ${n}`)
          .join(' + '),
        verdict(withinBudget(c)),
      ]),
    ),
  ].join('\n\n');
}

function overheadTable(r: Results): string {
  return [
    `### Handler overhead: in process, median of ${r.overhead[0]?.iterations ?? 0} calls each, against the raw SDK call it sends`,
    table(
      ['comparison', 'handler ms', 'raw SDK call ms', 'overhead', `budget ${BUDGET.overhead * 100}%`],
      r.overhead.map((o) => [
        o.name,
        ms(o.handlerMs),
        ms(o.rawMs),
        `${(o.overhead * 100).toFixed(1)}%`,
        verdict(o.overhead <= BUDGET.overhead),
      ]),
    ),
  ].join('\n\n');
}

const cell = (p: PageReads | undefined) =>
  p ? `${p.scanned}/${p.count} → ${p.returned} · ${units(p.capacity)} CU · ${p.queries} Q` : '–';

function envName(e: Environment): string {
  return `${count(e.size)} ${e.halfDeleted ? 'half deleted' : 'live'}`;
}

/** Large against small, for the same filter and the same share of deleted connections. */
function flatness(envs: readonly Environment[], name: string, halfDeleted: boolean): number {
  const same = envs.filter((e) => e.halfDeleted === halfDeleted).sort((a, b) => a.size - b.size);
  const small = same[0]?.pages[name];
  const large = same.at(-1)?.pages[name];
  return small && large ? pageCost(large) / pageCost(small) : NaN;
}

function readTable(envs: readonly Environment[]): string {
  const worstRatio = (name: string) => Math.max(...envs.map((e) => e.pages[name]?.ratio ?? Infinity));
  return [
    `### Read amplification: one page of ${PAGE}, as ScannedCount/Count → items in the page · capacity units · Queries`,
    table(
      ['filter', 'key only', ...envs.map(envName), 'worst Scanned/Count', 'large/small: live, half deleted'],
      LIST_CASES.map((c) => [
        c.name,
        c.keyCovered ? 'yes' : 'no',
        ...envs.map((e) => cell(e.pages[c.name])),
        worstRatio(c.name).toFixed(2),
        `${ratio(flatness(envs, c.name, false))}, ${ratio(flatness(envs, c.name, true))}`,
      ]),
    ),
    [
      `"key only": the key condition does all the filtering (budget: ScannedCount/Count 1.00, large/small ≤ ${BUDGET.flat}×); the other rows put the rest in a filter expression and say their cost.`,
      'Two streams (a resource as source and as target; live and deleted) are queried in parallel, each for a full page, so they may read up to twice the page.',
      `Seeding: ${envs.map((e) => `${envName(e)} in ${(e.seedMs / 1000).toFixed(1)} s`).join(', ')}.`,
    ].join(' '),
  ].join('\n\n');
}

function httpTable(r: Results): string {
  return [
    `### HTTP: the local server (DynamoDB Local in memory), ${r.settings.httpSeconds} s per operation at concurrency ${r.settings.concurrency}`,
    table(
      ['operation', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'errors'],
      r.http.map((h) => [h.op, h.requests, h.perSecond.toFixed(1), ms(h.p50ms), ms(h.p99ms), h.errors]),
    ),
  ].join('\n\n');
}

function budgetTable(r: Results): string {
  const { floorBytes, functions } = r.coldStart;
  const worst = <T extends { name: string }>(items: readonly T[], value: (f: T) => number) => {
    const top = items.reduce((a, b) => (value(b) > value(a) ? b : a));
    return { name: top.name, value: value(top) };
  };
  const size = worst(functions, (f) => f.bytes / floorBytes);
  const load = worst(functions, (f) => f.import.ratio);
  const first = worst(functions, (f) => f.firstInvocation?.ratio ?? NaN);
  const same = worst(functions, (f) => f.sameRequests?.ratio ?? NaN);
  const cold = coldStartWorst(r.coldStart);
  const keyed = LIST_CASES.filter((c) => c.keyCovered).map((c) => c.name);
  const amplified = r.environments.flatMap((e) =>
    keyed.filter((name) => (e.pages[name]?.ratio ?? Infinity) !== 1).map((name) => `${name} at ${envName(e)}`),
  );
  const flat = LIST_CASES.filter((c) => c.keyCovered).flatMap((c) =>
    [false, true].map((d) => ({ name: c.name, d, value: flatness(r.environments, c.name, d) })),
  );
  const steepest = flat.reduce((a, b) => (b.value > a.value ? b : a));
  const overCalls = r.costs.filter((c) => !withinBudget(c)).map((c) => c.name);
  const worstOverhead = r.overhead.reduce((a, b) => (b.overhead > a.overhead ? b : a));
  return [
    '### Budgets',
    table(
      ['budget', 'measured', ''],
      [
        [
          `bundle size ≤ ${BUDGET.bundle}× the floor's`,
          `worst ${ratio(size.value, 3)} (${size.name})`,
          verdict(size.value <= BUDGET.bundle),
        ],
        [
          `cold import ≤ ${BUDGET.bundle}× the floor's, as deployed`,
          `worst ${ratio(load.value)} (${load.name})`,
          verdict(cold.import <= BUDGET.bundle),
        ],
        [
          `first invocation ≤ ${BUDGET.bundle}× the same-requests floor's, as deployed`,
          `worst ${ratio(same.value)} (${same.name})`,
          verdict(cold.sameRequests <= BUDGET.bundle),
        ],
        [
          'first invocation against the one-GetItem floor (the round trips beyond one included)',
          `worst ${ratio(first.value)} (${first.name})`,
          '',
        ],
        [
          'calls per request',
          overCalls.length ? `over: ${overCalls.join(', ')}` : 'every request within',
          verdict(overCalls.length === 0),
        ],
        [
          'key-only filters read only what they return',
          amplified.length ? `amplified: ${amplified.join(', ')}` : 'ratio 1.00 everywhere',
          verdict(amplified.length === 0),
        ],
        [
          `key-only page cost large/small ≤ ${BUDGET.flat}×`,
          `steepest ${ratio(steepest.value)} (${steepest.name}, ${steepest.d ? 'half deleted' : 'live'})`,
          verdict(steepest.value <= BUDGET.flat),
        ],
        listBudgetRow(r),
        [
          'cascade: complete, nothing live left',
          `${r.cascade.requests.length} request(s) for ${count(r.cascade.size)} connections, slowest ${ms(Math.max(...r.cascade.requests.map((q) => q.ms)))} ms, ${r.cascade.liveLeft} live left`,
          verdict(cascadeHolds(r.cascade)),
        ],
        [
          `handler overhead ≤ ${BUDGET.overhead * 100}%`,
          `worst ${(worstOverhead.overhead * 100).toFixed(1)}% (${worstOverhead.name})`,
          verdict(worstOverhead.overhead <= BUDGET.overhead),
        ],
      ],
    ),
  ].join('\n\n');
}

function listBudgetRow({ listBudget: b }: BudgetResults): string[] {
  const worst = b.reads.reduce((a, c) => (c.worstExamined > a.worstExamined ? c : a));
  const most = b.reads.reduce((a, c) => (c.requests > a.requests ? c : a));
  const named = (read: typeof worst) => `${caseName(read)}${read.includeDeleted ? ', includeDeleted' : ''}`;
  return [
    `list: items examined per request ≤ ${count(b.budget)} (${count(b.size)} connections)`,
    `worst ${worst.worstExamined} (${named(worst)}); most requests ${most.requests} (${named(most)})`,
    verdict(b.reads.every((read) => readHolds(read, b.budget))),
  ];
}
