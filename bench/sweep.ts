/**
 * `npm run bench:sweep`: what one run of the deadline sweep costs, how it shares runs between
 * projects (bench/sweep-fairness.ts), and how far all tenants' status changes go together before the
 * deadline index limits them (bench/deadline-spread.ts). On a fresh DynamoDB
 * Local table, BENCH_SWEEP_CONNECTIONS connections (10,000) of one environment are made through the
 * service's own create and PATCH; BENCH_SWEEP_OVERDUE of them (100, 1 %) get a 5 s deadline (half
 * still pending, half taken into connecting by a worker that then stopped), every other one waits
 * in pending with the default hour, so the deadline index holds all of them: the most a run could
 * have to step over. Once the 5 s have passed, the sweep's own handler runs as the schedule runs
 * it, on the handlers' client, with the meter (calls, what each answer carried) and the partition
 * model (request units by AWS's rules from item sizes; throttling off) watching; then a second run
 * with nothing left due. Every connection is read back afterwards, and the run fails unless exactly
 * the overdue ones failed, as system:deadline, and every other one is as its create left it.
 *
 * Settings (environment): BENCH_SWEEP_CONNECTIONS (10000), BENCH_SWEEP_OVERDUE (100),
 * BENCH_SWEEP_DETAILS (bytes of details per connection, 1024; above 200 they are kept apart);
 * BENCH_SWEEP_FLOOD (the flooding project's due connections at the default limit, 3000);
 * BENCH_SWEEP_TENANTS (6), BENCH_SWEEP_SERVERS (servers per tenant, 7 connections each, 25),
 * BENCH_SWEEP_WCU (write units per partition per second, 1: AWS's 1,000 at 1:1000).
 */
import './env.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isDeepStrictEqual } from 'node:util';
import { DEADLINE_ACTOR } from '#domain/decisions.ts';
import type { Connection } from '#model/representations.ts';
import type { Scope } from '#model/vocabulary.ts';
import { createDocumentClient } from '#store/client.ts';
import { deadlineSweepKeys } from '#store/keys.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { TABLE } from '#store/table-definition.ts';
import type { SweepSummary } from '../functions/handlers/sweep-deadlines.ts';
import { DEADLINE_SWEEP } from '../functions/routes.ts';
import { startLocalDatabase } from '../local/environment.ts';
import { lambdaContext } from '../local/gateway.ts';
import { attachMeter, callsByOperation, sumScanned, type Meter } from '../testkit/meter.ts';
import { attachPartitionModel, totals, type PartitionModel } from '../testkit/partition-model.ts';
import { platformConnections } from './platform.ts';
import { measureSpread, spreadReport } from './deadline-spread.ts';
import { machine, ms, setting, table, units } from './report.ts';
import { fairnessReport, measureFairness, type FairnessResult, type FairnessScenario } from './sweep-fairness.ts';
import { SWEEP_LIMIT } from '#store/patterns/deadlines.ts';

const settings = {
  connections: setting('BENCH_SWEEP_CONNECTIONS', 10_000),
  overdue: setting('BENCH_SWEEP_OVERDUE', 100),
  detailsBytes: setting('BENCH_SWEEP_DETAILS', 1024, { zero: true }),
  flood: setting('BENCH_SWEEP_FLOOD', 3000),
  tenants: setting('BENCH_SWEEP_TENANTS', 6),
  servers: setting('BENCH_SWEEP_SERVERS', 25),
  wcu: setting('BENCH_SWEEP_WCU', 1),
};
const SCENARIOS: readonly FairnessScenario[] = [
  // The case a per-run limit of 20 once left to the fourth run: 0.1 s later now, one run.
  { name: 'limit 20: 200 due, then 1 of another project', limit: 20, flood: 200, others: 1, perOther: 1 },
  {
    name: `limit ${SWEEP_LIMIT}: ${settings.flood} due, then 3 projects of 10`,
    limit: SWEEP_LIMIT,
    flood: settings.flood,
    others: 3,
    perOther: 10,
  },
];
if (![settings.connections, settings.overdue].every(Number.isInteger) || settings.overdue > settings.connections)
  throw new Error('BENCH_SWEEP_OVERDUE must be a whole number of connections, at most BENCH_SWEEP_CONNECTIONS');
/** The shortest deadline a caller may ask for. */
const OVERDUE_SECONDS = 5;
/** Creates and PATCHes in flight while seeding. */
const SEEDERS = 8;
const scope: Scope = { projectSlug: 'sweep', environmentSlug: 'bench' };

interface Made {
  readonly connection: Connection;
  readonly overdue: boolean;
}

interface Run {
  readonly name: string;
  /** What the handler answered: what it did, and the Queries and entries it says it read. */
  readonly summary: SweepSummary;
  /** What went over the wire, by the meter: calls by operation, entries the Queries examined, items read back. */
  readonly calls: Record<string, number>;
  readonly examined: number;
  readonly readBack: number;
  /** By the partition model. */
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Write units of the run's transactions by where they land: `table`, or an index's name. */
  readonly writeUnitsByPlace: Record<string, number>;
  readonly ms: number;
}

const tableName = process.env.TABLE_NAME!;
// The handler's INFO line would land among the printed tables; its figures are printed there anyway.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
const started = performance.now();
const dynamo = await startLocalDatabase({ tableName, dataDir: ':memory:' });
let measured: Awaited<ReturnType<typeof measure>>;
try {
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  measured = await measure(dynamo.endpoint);
} finally {
  await dynamo.stop();
}
const { seedSeconds, indexed, runs, wrong, fairness, spread } = measured;
const seconds = Math.round((performance.now() - started) / 1000);

console.log(report());
mkdirSync('.data', { recursive: true });
writeFileSync(
  '.data/bench-sweep.json',
  `${JSON.stringify({ settings, seedSeconds, indexed, runs, wrong, fairness, spread }, null, 2)}\n`,
);
if (wrong.length > 0) {
  console.error(`sweep: WRONG (${wrong.length}):\n${wrong.slice(0, 20).join('\n')}`);
  process.exitCode = 1;
}

async function measure(endpoint: string) {
  // Loaded only now, with the endpoint set: the handlers' client reads it when it is built.
  const { table: store } = await import('#store/connections.ts');
  const { handler } = await import('../functions/handlers/sweep-deadlines.ts');
  // Attached before seeding: the model charges a write by the item it replaces, so it must see every item.
  const model = attachPartitionModel(store.client, { projection: TABLE.projection });
  model.throttling = false;

  const t = performance.now();
  const made = await seed(new ConnectionRepository(store));
  const seedSeconds = Math.round((performance.now() - t) / 100) / 10;
  const latest = Math.max(...made.filter((m) => m.overdue).map((m) => Date.parse(m.connection.statusDeadline!)));
  if (latest >= Date.now()) console.error(`sweep: waiting ${latest - Date.now() + 1} ms for the last deadline`);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, latest - Date.now() + 1)));

  // Unmetered: what the environment is, and afterwards what the runs left.
  const reader = createDocumentClient(endpoint);
  const indexed = await indexEntries(reader);

  const meter = attachMeter(store.client);
  const runs: Run[] = [];
  for (const name of [`${settings.overdue} overdue`, 'nothing due']) {
    console.error(`sweep: run, ${name}…`);
    meter.reset();
    model.reset();
    const context = lambdaContext(DEADLINE_SWEEP.id, undefined, DEADLINE_SWEEP.timeoutSeconds * 1000);
    const t0 = performance.now();
    const summary = await handler({}, context);
    runs.push(figures(name, summary, performance.now() - t0, meter, model));
  }
  meter.detach();
  model.detach();
  console.error('sweep: reading every connection back…');
  const wrong = [
    ...(indexed === settings.connections ? [] : [`the deadline index held ${indexed} entries before the runs`]),
    ...checkRuns(runs),
    ...(await checkConnections(made, reader)),
  ];
  // Each on a table of its own: a sweep covers its whole table.
  const fairness: FairnessResult[] = [];
  for (const [i, scenario] of SCENARIOS.entries()) {
    console.error(`sweep: fairness, ${scenario.name}…`);
    const own = await startLocalDatabase({ endpoint, tableName: `${tableName}-fair-${i}` });
    fairness.push(await measureFairness({ ...store, tableName: own.tableName }, scenario));
  }
  console.error(`sweep: ${settings.tenants} tenants' mass changes through the partition model…`);
  const spreadTable = await startLocalDatabase({ endpoint, tableName: `${tableName}-spread` });
  const spread = await measureSpread(endpoint, spreadTable.tableName, process.env.PAGE_TOKEN_SECRET!, {
    tenants: settings.tenants,
    servers: settings.servers,
    callersPerTenant: 8,
    writeUnitsPerSecond: settings.wcu,
    retryScale: 0.5,
  });
  if (spread.lost > 0) wrong.push(`all tenants: ${spread.lost} connections not changed exactly once`);
  return { seedSeconds, indexed, runs, wrong, fairness, spread };
}

/** The environment, through the store code the routes use. */
async function seed(repo: ConnectionRepository): Promise<Made[]> {
  const { connections, overdue, detailsBytes } = settings;
  const shapes = platformConnections(scope, Math.ceil(connections / 7), detailsBytes).slice(0, connections);
  const every = Math.floor(connections / overdue);
  const made: Made[] = [];
  let next = 0;
  const seeder = async () => {
    while (next < shapes.length) {
      const i = next++;
      const shape = shapes[i]!;
      const rank = i % every === 0 ? i / every : overdue;
      const isOverdue = rank < overdue;
      // Half the overdue ones nobody picked up; the other half a worker took and stopped reporting on.
      const taken = isOverdue && rank % 2 === 1;
      const input = {
        sourceResourceType: shape.sourceResourceType,
        sourceResourceId: shape.sourceResourceId,
        targetResourceType: shape.targetResourceType,
        targetResourceId: shape.targetResourceId,
        details: shape.details,
        ...(isOverdue && !taken ? { deadlineSeconds: OVERDUE_SECONDS } : {}),
      };
      let { connection } = await repo.create({ scope, input, actor: 'platform' });
      if (taken) {
        const patch = { status: 'connecting' as const, deadlineSeconds: OVERDUE_SECONDS };
        ({ connection } = await repo.update({ scope, id: connection.id, patch, actor: 'worker' }));
      }
      made.push({ connection, overdue: isOverdue });
      if (made.length % 2000 === 0) console.error(`sweep: ${made.length} connections made…`);
    }
  };
  console.error(`sweep: making ${connections} connections, ${overdue} of them overdue in ${OVERDUE_SECONDS} s…`);
  await Promise.all(Array.from({ length: SEEDERS }, seeder));
  return made;
}

/** Entries in the deadline index, due or not. */
async function indexEntries(client: DynamoDBDocumentClient): Promise<number> {
  const index = TABLE.indexes.byDeadline;
  let total = 0;
  for (const partition of deadlineSweepKeys.partitions()) {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index.indexName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': index.partitionKey },
          ExpressionAttributeValues: { ':pk': partition },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      total += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
  }
  return total;
}

function figures(name: string, summary: SweepSummary, elapsed: number, meter: Meter, model: PartitionModel): Run {
  const writeUnitsByPlace: Record<string, number> = {};
  for (const charge of model.charges.filter((c) => c.operation === 'TransactWriteItems')) {
    for (const [partition, units] of charge.partitions) {
      const place = partition.slice(0, partition.indexOf('|'));
      writeUnitsByPlace[place] = (writeUnitsByPlace[place] ?? 0) + units.write;
    }
  }
  const { read, write } = totals(model.charges);
  return {
    name,
    summary,
    calls: callsByOperation(meter.calls),
    examined: sumScanned(meter.calls.filter((c) => c.operation === 'Query')),
    readBack: meter.calls
      .filter((c) => c.operation === 'GetItem' || c.operation === 'BatchGetItem')
      .reduce((sum, c) => sum + c.returned, 0),
    readUnits: read,
    writeUnits: write,
    writeUnitsByPlace,
    ms: elapsed,
  };
}

/** What each run did, against what was due, and what the handler said against what the meter saw. */
function checkRuns([busy, idle]: Run[]): string[] {
  const wrong: string[] = [];
  const expect = (what: string, actual: unknown, expected: unknown) => {
    if (actual !== expected) wrong.push(`${what}: ${String(actual)}, expected ${String(expected)}`);
  };
  for (const run of [busy!, idle!]) {
    const due = run === busy ? settings.overdue : 0;
    expect(`${run.name}: failed`, run.summary.failed, due);
    expect(`${run.name}: skipped`, run.summary.skipped, 0);
    expect(`${run.name}: backlog`, run.summary.backlog, 0);
    expect(`${run.name}: errors`, run.summary.errors, 0);
    expect(`${run.name}: index entries examined`, run.examined, due);
    expect(`${run.name}: transactions`, run.calls.TransactWriteItems ?? 0, due);
    expect(`${run.name}: Queries the handler reports`, run.summary.queries, run.calls.Query);
    expect(`${run.name}: entries the handler reports`, run.summary.examined, run.examined);
  }
  return wrong;
}

/** Every connection, read back as a caller would: the overdue ones failed, the others as created. */
async function checkConnections(made: readonly Made[], client: DynamoDBDocumentClient): Promise<string[]> {
  const reader = new ConnectionRepository({
    client,
    tableName,
    pageTokenSecret: process.env.PAGE_TOKEN_SECRET!,
  });
  const wrong: string[] = [];
  let next = 0;
  const check = async () => {
    while (next < made.length) {
      const { connection: before, overdue } = made[next++]!;
      const now = await reader.get({ scope, id: before.id });
      const expected: Connection = overdue
        ? {
            ...before,
            status: 'failed',
            statusReason: `deadline passed: ${before.status} since ${before.updatedAt}`,
            statusDeadline: null,
            version: before.version + 1,
            updatedBy: DEADLINE_ACTOR,
            updatedAt: now.updatedAt,
          }
        : before;
      if (!isDeepStrictEqual(now, expected))
        wrong.push(`${before.id} (${overdue ? 'overdue' : 'not due'}): ${JSON.stringify(now)}`);
    }
  };
  await Promise.all(Array.from({ length: SEEDERS }, check));
  return wrong;
}

function report(): string {
  const [busy] = runs;
  const failed = busy!.summary.failed;
  const others = settings.connections - settings.overdue;
  const byPlace = Object.entries(busy!.writeUnitsByPlace)
    .map(([place, written]) => `${place} ${units(written / failed)}`)
    .join(', ');
  const read = (run: Run) =>
    ['GetItem', 'BatchGetItem']
      .filter((operation) => run.calls[operation])
      .map((operation) => `${run.calls[operation]} ${operation}`)
      .join(' + ') || 'none';
  return [
    `machine: ${machine()}; settings: ${Object.entries(settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}; made in ${seedSeconds} s (${SEEDERS} at a time); run time ${seconds} s`,
    `#### One sweep run: ${settings.connections} connections (${indexed} in the deadline index), ${settings.overdue} overdue, ${settings.detailsBytes} B of details`,
    table(
      [
        'run',
        'failed',
        'Queries',
        'index entries examined',
        'items read back',
        'reads',
        'transactions',
        'RRU',
        'WRU',
        'ms (wall clock)',
      ],
      runs.map((run) => [
        run.name,
        run.summary.failed,
        run.calls.Query ?? 0,
        run.examined,
        run.readBack,
        read(run),
        run.calls.TransactWriteItems ?? 0,
        units(run.readUnits),
        units(run.writeUnits),
        ms(run.ms),
      ]),
    ),
    [
      failed > 0
        ? `Per failed connection: ${units(busy!.writeUnits / failed)} WRU (${byPlace}), ${units(busy!.readUnits / failed)} RRU, ${ms(busy!.ms / failed)} ms.`
        : '',
      wrong.length === 0
        ? `Check: the ${settings.overdue} overdue connections failed as ${DEADLINE_ACTOR}, the other ${others} read back as created.`
        : `Check: **WRONG**, ${wrong.length} problem(s): ${wrong.slice(0, 3).join('; ')}`,
    ].join(' '),
    ...fairness.map(fairnessReport),
    spreadReport(spread, settings),
  ].join('\n\n');
}
