/**
 * `npm run bench:sweep`, all tenants together: several tenants' mass status changes at once
 * (pending to connecting, which moves each connection's deadline entry: a delete and a put in its
 * byDeadline partition), through the partition model with throttling on, scaled 1:1000 by default
 * (1 WCU/s per partition instead of 1,000): each tenant's own index partitions cap it, and byDeadline,
 * shared by every tenant, must not. Prints the sustained changes/s of all tenants together (real
 * terms: ×1000), for each index the utilization of its busiest partition over the run, and what the
 * deadline index alone allows: the write units a change costs there (by the model) over its
 * partitions, as evenly as the id hash spreads 1,000,000 ids over them (a run is too short to say).
 */
import { ServiceUnavailableError } from '#model/errors.ts';
import type { Scope } from '#model/vocabulary.ts';
import { createDocumentClient } from '#store/client.ts';
import { isThrottled } from '#store/database-errors.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { DEADLINE_SHARDS, shardOf } from '#store/keys.ts';
import { TABLE } from '#store/table-definition.ts';
import { monotonicFactory } from 'ulid';
import { attachPartitionModel } from '../testkit/partition-model.ts';
import { platformConnections } from './platform.ts';
import { table } from './report.ts';

export interface SpreadSettings {
  readonly tenants: number;
  /** Servers per tenant (seven connections each). */
  readonly servers: number;
  readonly callersPerTenant: number;
  /** Write units per second per partition: AWS's 1,000 at the scale. */
  readonly writeUnitsPerSecond: number;
  /** Seconds of Retry-After a caller waits, per second the service says. */
  readonly retryScale: number;
}

export interface Spread {
  readonly connections: number;
  readonly seconds: number;
  /** Changes per second between the 10th and 90th percentile of completions, scaled back to AWS's rates. */
  readonly sustainedReal: number;
  readonly throttledRequests: number;
  /** Per index (and `table`): partitions written, and the busiest one's write units per second over the run, as a share of its rate. */
  readonly byPlace: Readonly<Record<string, { partitions: number; busiest: number }>>;
  /** byDeadline's write units per change, and its busiest partition's share of ids over its even share. */
  readonly deadlineUnitsPerChange: number;
  readonly deadlineUnevenness: number;
  /** Changes per second, all tenants together, before byDeadline's busiest partition reaches 1,000 WCU/s. */
  readonly deadlineLimit: number;
  readonly lost: number;
}

export async function measureSpread(
  endpoint: string,
  tableName: string,
  secret: string,
  s: SpreadSettings,
): Promise<Spread> {
  const client = createDocumentClient(endpoint);
  const model = attachPartitionModel(client, {
    projection: TABLE.projection,
    writeUnitsPerSecond: s.writeUnitsPerSecond,
    readUnitsPerSecond: s.writeUnitsPerSecond * 3,
  });
  model.throttling = false;
  const repo = new ConnectionRepository({ client, tableName, pageTokenSecret: secret });
  const tenants = Array.from({ length: s.tenants }, (_, t) => {
    const scope: Scope = { projectSlug: `tenant-${t}`, environmentSlug: 'prod' };
    return { scope, shapes: platformConnections(scope, s.servers, 1024) };
  });
  // Made through the service's own create: each with its deadline entry, as a caller's would be.
  const ids = await Promise.all(
    tenants.map(async ({ scope, shapes }) => {
      const made: string[] = [];
      for (let i = 0; i < shapes.length; i += 8) {
        const batch = shapes.slice(i, i + 8).map(async (c) => {
          const { connection } = await repo.create({
            scope,
            input: {
              sourceResourceType: c.sourceResourceType,
              sourceResourceId: c.sourceResourceId,
              targetResourceType: c.targetResourceType,
              targetResourceId: c.targetResourceId,
              details: c.details,
            },
            actor: 'platform',
          });
          return connection.id;
        });
        made.push(...(await Promise.all(batch)));
      }
      return made;
    }),
  );
  model.reset();
  model.throttling = true;

  const done: number[] = [];
  const started = performance.now();
  const change = async (scope: Scope, id: string) => {
    for (;;) {
      try {
        await repo.update({ scope, id, patch: { status: 'connecting' }, actor: 'deployer' });
        return void done.push(performance.now() - started);
      } catch (error) {
        if (!(error instanceof ServiceUnavailableError) && !isThrottled(error)) throw error;
        const seconds = error instanceof ServiceUnavailableError ? error.retryAfterSeconds : 1 + Math.random() * 2;
        await new Promise((resolve) => setTimeout(resolve, seconds * 1000 * s.retryScale));
      }
    }
  };
  await Promise.all(
    tenants.flatMap(({ scope }, t) => {
      let next = 0;
      const mine = ids[t]!;
      return Array.from({ length: s.callersPerTenant }, async () => {
        while (next < mine.length) await change(scope, mine[next++]!);
      });
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  model.throttling = false;

  const perPartition = new Map<string, number>();
  for (const charge of model.charges.filter((c) => !c.throttled))
    for (const [partition, units] of charge.partitions)
      perPartition.set(partition, (perPartition.get(partition) ?? 0) + units.write);
  const byPlace: Record<string, { partitions: number; busiest: number }> = {};
  for (const [partition, units] of perPartition) {
    if (units === 0) continue;
    const place = partition.slice(0, partition.indexOf('|'));
    const entry = (byPlace[place] ??= { partitions: 0, busiest: 0 });
    entry.partitions++;
    entry.busiest = Math.max(entry.busiest, units / seconds / s.writeUnitsPerSecond);
  }
  const deadlineUnitsPerChange =
    [...perPartition].filter(([p]) => p.startsWith('byDeadline|')).reduce((sum, [, u]) => sum + u, 0) / done.length;
  const deadlineUnevenness = unevenness();
  let lost = 0;
  for (const [t, { scope }] of tenants.entries())
    for (const id of ids[t]!) if ((await repo.get({ scope, id })).status !== 'connecting') lost++;
  model.detach();
  client.destroy();
  done.sort((a, b) => a - b);
  const at = (p: number) => done[Math.floor((done.length - 1) * p)]!;
  const sustained = (done.length * 0.8) / ((at(0.9) - at(0.1)) / 1000);
  return {
    connections: done.length,
    seconds: Math.round(seconds * 10) / 10,
    sustainedReal: Math.round((sustained * 1000) / s.writeUnitsPerSecond),
    throttledRequests: model.charges.filter((c) => c.throttled).length,
    byPlace,
    deadlineUnitsPerChange,
    deadlineUnevenness,
    deadlineLimit: Math.floor((1000 * DEADLINE_SHARDS) / (deadlineUnitsPerChange * deadlineUnevenness)),
    lost,
  };
}

/** The busiest deadline shard's share of 1,000,000 ULID-shaped ids, over an even share. */
function unevenness(): number {
  const counts = new Array<number>(DEADLINE_SHARDS).fill(0);
  const nextId = monotonicFactory();
  for (let i = 0; i < 1_000_000; i++) counts[shardOf(nextId(), DEADLINE_SHARDS)]!++;
  return Math.max(...counts) / (1_000_000 / DEADLINE_SHARDS);
}

export function spreadReport(spread: Spread, s: { tenants: number; servers: number; wcu: number }): string {
  const scale = 1000 / s.wcu;
  const places = Object.entries(spread.byPlace).sort(([a], [b]) => (a < b ? -1 : 1));
  return [
    `#### All tenants together: ${s.tenants} tenants' mass status changes at once, partition model at 1:${scale}`,
    table(
      ['where', 'partitions written', 'busiest partition, share of its rate'],
      places.map(([place, { partitions, busiest }]) => [place, partitions, `${Math.round(busiest * 100)} %`]),
    ),
    `${spread.connections} changes (${s.tenants} × ${s.servers * 7}) in ${spread.seconds} s, ${spread.throttledRequests} requests throttled: sustained ${spread.sustainedReal.toLocaleString('en')} changes/s in AWS's terms (×${scale}), all tenants together; lost: ${spread.lost}.`,
    `The deadline index alone: ${spread.deadlineUnitsPerChange.toFixed(2)} WCU per status change (the model), over ${DEADLINE_SHARDS} partitions by connection id, the busiest getting ${spread.deadlineUnevenness.toFixed(3)}× an even share of 1,000,000 ids: all tenants together make **${spread.deadlineLimit.toLocaleString('en')} status changes/s** before its busiest partition reaches 1,000 WCU/s.`,
  ].join('\n\n');
}
