/**
 * What a month of a stated workload costs, from the partition model's request units per route
 * (capacity-routes.ts) and AWS's on-demand prices (us-east-1, design notes): DynamoDB (reads,
 * writes, storage with retention), API Gateway, Lambda (requests and time), EventBridge, the stream
 * publisher and the deadline sweep. The assumptions are named numbers here and printed with the
 * figures.
 */
import { deadlineSweepKeys } from '#store/keys.ts';
import type { RouteCost } from './capacity-routes.ts';
import { listRoute, PAGE_SIZES } from './capacity-routes.ts';

export const PRICE = {
  wru: 0.625 / 1e6,
  rru: 0.125 / 1e6,
  gbMonth: 0.25,
  apiRequest: 1 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000133334,
  event: 1 / 1e6,
};

/**
 * Lambda time, an estimate (DynamoDB Local's timings are not AWS's): a request spends OVERHEAD_MS in
 * its handler and ROUND_MS per round of DynamoDB calls (single-digit milliseconds in AWS), at the
 * functions' 1,024 MB. The publisher, behind its event filter and batching window, handles
 * EVENTS_PER_BATCH events per invocation in BATCH_MS; a large-details event reads one history entry.
 */
export const LAMBDA = { memoryGb: 1, overheadMs: 3, roundMs: 6 } as const;
export const PUBLISHER = { eventsPerBatch: 10, batchMs: 40, detailsReadRru: 0.5 } as const;
/** The sweep: a run a minute, each a Query per deadline shard (little found: 0.5 RRU each) in one round. */
export const SWEEP = { runsPerMonth: 30 * 24 * 60, rounds: 2 } as const;
/** Retention: soft-deleted connections are kept 90 days, history entries 400 (the defaults). */
export const RETENTION_MONTHS = { deleted: 90 / 30, history: 400 / 30 } as const;

/** A share of the traffic, and the environments and details it runs on. */
export interface Environments {
  /** Environment sizes with their share of the requests (shares sum to 1). */
  readonly sizes: readonly { readonly size: number; readonly share: number }[];
}

/**
 * The mix the capacity document prices: 70 % of environments have 20 connections, 25 % 300, 5 %
 * 5,000 (8 shards); requests go in proportion to connections: 4 %, 22 % and 74 %.
 */
export const ENVIRONMENT_MIX: Environments = (() => {
  const environments = [
    { size: 20, share: 0.7 },
    { size: 300, share: 0.25 },
    { size: 5000, share: 0.05 },
  ];
  const connections = environments.reduce((sum, e) => sum + e.size * e.share, 0);
  return { sizes: environments.map((e) => ({ size: e.size, share: (e.size * e.share) / connections })) };
})();

/** List pages by size: most at the default 50, some at 20 and at 100; 50 rows a page on average, as the document's workload had. */
export const PAGE_MIX: Readonly<Record<(typeof PAGE_SIZES)[number], number>> = { 20: 0.25, 50: 0.6, 100: 0.15 };

export interface Workload {
  readonly name: string;
  readonly detailsBytes: number;
  readonly environments: Environments;
  /** Requests a month, by route (list routes by filter name: priced over PAGE_MIX). */
  readonly requests: readonly (readonly [string, number])[];
  /** Live connections, and the history entries and deletes a month that storage keeps. */
  readonly liveConnections: number;
}

/** The capacity document's workload: a platform with 1,000,000 live connections, 1 KB of details. */
export const DOCUMENT_WORKLOAD: Workload = {
  name: 'capacity document',
  detailsBytes: 1024,
  environments: ENVIRONMENT_MIX,
  liveConnections: 1_000_000,
  requests: [
    ['create with Idempotency-Key', 2_000_000],
    ['patch: status', 10_000_000],
    ['patch: details', 1_000_000],
    ['delete', 1_000_000],
    ['restore', 100_000],
    ['get', 30_000_000],
    ['list: target type+id', 10_000_000],
    ['list: status', 5_000_000],
    ['list: no filter', 5_000_000],
    ['history page', 2_000_000],
    ['graph page (per edge)', 250_000_000],
    ['neighbourhood, depth 2', 1_000_000],
    ['cascade (per connection)', 500_000],
  ],
};

/** 20 M requests a day, 80 % reads, on environments of 20 connections with small details (32 bytes). */
export const READ_HEAVY_WORKLOAD: Workload = {
  name: 'read-heavy',
  detailsBytes: 32,
  environments: { sizes: [{ size: 20, share: 1 }] },
  liveConnections: 1_000_000,
  requests: (
    [
      ['get', 0.32],
      ['list: no filter', 0.08],
      ['list: target type+id', 0.12],
      ['list: status', 0.06],
      ['resource connections page', 0.08],
      ['graph page', 0.08],
      ['history page', 0.06],
      ['patch: status', 0.1],
      ['create with Idempotency-Key', 0.04],
      ['patch: details', 0.03],
      ['delete', 0.02],
      ['restore', 0.01],
    ] as const
  ).map(([route, share]) => [route, share * 20_000_000 * 30] as const),
};

/** Routes that change a connection: each publishes one event. */
const EVENT_ROUTES = new Set(['create with Idempotency-Key', 'patch: status', 'patch: details', 'delete', 'restore']);

export interface MonthlyCost {
  readonly workload: string;
  readonly design: string;
  readonly wru: number;
  readonly rru: number;
  readonly storageGb: number;
  readonly dollars: {
    dynamodb: number;
    storage: number;
    api: number;
    lambda: number;
    events: number;
    publisher: number;
    sweep: number;
  };
  readonly total: number;
}

/** A route's cost at an environment size: costs[size] are measureRoutes' figures there. */
export type CostTable = ReadonlyMap<number, readonly RouteCost[]>;

/** Requests a unit of a per-unit route makes: a graph page of 500 edges, a cascade request of up to 100 connections. */
const REQUESTS_PER_UNIT: Readonly<Record<string, number>> = {
  'graph page (per edge)': 1 / 500,
  'cascade (per connection)': 1 / 100,
};

/** Changes a month that write a history entry (and an event), and deletes a month, of a workload. */
export function churn(workload: Workload): { changes: number; deletes: number } {
  let changes = 0;
  let deletes = 0;
  for (const [route, count] of workload.requests) {
    if (EVENT_ROUTES.has(route) || route.startsWith('cascade')) changes += count;
    if (route === 'delete' || route.startsWith('cascade')) deletes += count;
  }
  return { changes, deletes };
}

export function monthlyCost(workload: Workload, design: string, costs: CostTable, storageGb: number): MonthlyCost {
  const cost = (route: string, size: number): RouteCost => {
    const found = costs.get(size)?.find((r) => r.route === route);
    if (!found) throw new Error(`no figures for ${route} at ${size} connections`);
    return found;
  };
  /** A route's figures over the environment and page-size mixes. */
  const mixed = (route: string) => {
    const sum = { read: 0, write: 0, rounds: 0 };
    for (const { size, share } of workload.environments.sizes) {
      const pages = route.startsWith('list: ')
        ? PAGE_SIZES.map((limit) => [cost(listRoute(route.slice(6), limit), size), PAGE_MIX[limit]] as const)
        : [[cost(route, size), 1] as const];
      for (const [c, weight] of pages) {
        sum.read += c.read * share * weight;
        sum.write += c.write * share * weight;
        sum.rounds += c.rounds * share * weight;
      }
    }
    return sum;
  };
  let wru = 0;
  let rru = 0;
  let requests = 0;
  let lambdaSeconds = 0;
  let events = 0;
  for (const [route, count] of workload.requests) {
    const c = mixed(route);
    const per = REQUESTS_PER_UNIT[route] ?? 1;
    wru += c.write * count;
    rru += c.read * count;
    requests += count * per;
    lambdaSeconds += (count * per * (LAMBDA.overheadMs + c.rounds * LAMBDA.roundMs)) / 1000;
    if (EVENT_ROUTES.has(route) || route.startsWith('cascade')) events += count;
  }
  const sweepRru = SWEEP.runsPerMonth * deadlineSweepKeys.partitions().length * 0.5;
  const publisherRru = workload.detailsBytes > 200 ? events * PUBLISHER.detailsReadRru : 0;
  const dynamodb = wru * PRICE.wru + (rru + sweepRru + publisherRru) * PRICE.rru;
  const dollars = {
    dynamodb,
    storage: storageGb * PRICE.gbMonth,
    api: requests * PRICE.apiRequest,
    lambda: requests * PRICE.lambdaRequest + lambdaSeconds * LAMBDA.memoryGb * PRICE.lambdaGbSecond,
    events: events * PRICE.event,
    publisher:
      (events / PUBLISHER.eventsPerBatch) *
      (PRICE.lambdaRequest + (PUBLISHER.batchMs / 1000) * LAMBDA.memoryGb * PRICE.lambdaGbSecond),
    sweep:
      SWEEP.runsPerMonth *
      (PRICE.lambdaRequest +
        ((LAMBDA.overheadMs + SWEEP.rounds * LAMBDA.roundMs) / 1000) * LAMBDA.memoryGb * PRICE.lambdaGbSecond),
  };
  return {
    workload: workload.name,
    design,
    wru,
    rru: rru + sweepRru + publisherRru,
    storageGb,
    dollars,
    total: Object.values(dollars).reduce((a, b) => a + b, 0),
  };
}
