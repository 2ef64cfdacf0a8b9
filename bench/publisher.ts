/**
 * `npm run bench:publisher`: what the publisher is handed, with and without its event filters. The
 * month of docs/capacity.md's workload, scaled down (BENCH_PUBLISHER_SCALE: 1:10,000), made through
 * the store on DynamoDB Local, with retention periods of seconds so that every TTL delete a month of
 * it leads to happens during the run too (the local stand-in for DynamoDB's TTL deleter makes them,
 * marked as AWS marks them): deleted connections purged (and, as the publisher does then, what is
 * left of them deleted), history entries expired. Idempotency records expire after 24 hours, fixed:
 * each will make one more TTL delete, counted from its write.
 *
 * Every stream record is counted by kind, and run through the publisher's filters (the patterns the
 * stack carries): stream records per event with and without them, and from those the publisher's
 * invocations per event, at a low rate (a poll per change) and at a high one (full batches of 100).
 */
import './env.ts';
import type { _Record as RawRecord } from '@aws-sdk/client-dynamodb-streams';
import type { Scope } from '#model/vocabulary.ts';
import { createDocumentClient } from '#store/client.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { isPurge } from '../functions/events/events.ts';
import { sequencedRecord } from '../functions/events/publisher.ts';
import { purgeIn } from '../functions/events/purge.ts';
import { PUBLISHED_RECORDS } from '../functions/events/stream-filter.ts';
import { adminClient, startLocalDatabase } from '../local/environment.ts';
import { matchesPattern } from '../local/event-filter.ts';
import { followStream, lambdaRecord } from '../local/stream-events.ts';
import { startTtlDeleter } from '../local/ttl-deleter.ts';
import { detailsOfSize } from './platform.ts';
import { machine, setting, table } from './report.ts';

const scale = setting('BENCH_PUBLISHER_SCALE', 10_000);
/** docs/capacity.md's month, in changes. */
const MONTH = {
  keyedCreates: 2_000_000,
  statusChanges: 10_000_000,
  detailsChanges: 1_000_000,
  deletes: 1_500_000,
  restores: 100_000,
};
const count = (n: number) => Math.max(1, Math.round(n / scale));
const plan = Object.fromEntries(Object.entries(MONTH).map(([k, v]) => [k, count(v)])) as typeof MONTH;

const tableName = process.env.TABLE_NAME!;
const dynamo = await startLocalDatabase({ tableName, dataDir: ':memory:' });
const records: { kind: string; name: string; ttl: boolean; passes: boolean }[] = [];
try {
  const client = createDocumentClient(dynamo.endpoint);
  const tables = adminClient(dynamo.endpoint);
  const ttl = await startTtlDeleter(tables, tableName);
  const purge = purgeIn({ client, tableName });
  const stream = await followStream(dynamo.endpoint, tableName, async (batch: RawRecord[]) => {
    ttl.observe(batch);
    for (const record of batch) {
      const lambda = lambdaRecord(record, ttl.identityOf(record));
      // As the publisher does once a purge's event is out: what is left of the connection goes.
      const sequenced = sequencedRecord(lambda);
      if (isPurge(sequenced)) await purge(sequenced);
      records.push({
        kind: String(record.dynamodb?.Keys?.sk?.S).replace(/#\d+$/, ''),
        name: String(record.eventName),
        ttl: lambda.userIdentity !== undefined,
        passes: PUBLISHED_RECORDS.some((pattern) => matchesPattern(pattern, lambda)),
      });
    }
  });
  // Deleted connections purged, and history entries expired, within seconds.
  const repo = new ConnectionRepository({
    client,
    tableName,
    pageTokenSecret: process.env.PAGE_TOKEN_SECRET!,
    retention: { deleted: 2 / 86_400, history: 4 / 86_400 },
  });
  await workload(repo);
  // Every deleted connection purged and every history entry past its time deleted, then the stream read.
  const expected = () => records.filter((r) => r.ttl).length;
  let seen = -1;
  for (let waited = 0; waited < 60_000 && seen !== expected(); waited += 3000) {
    seen = expected();
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
  ttl.stop();
  await stream.stop();
  tables.destroy();
} finally {
  await dynamo.stop();
}
console.log(report());

async function workload(repo: ConnectionRepository): Promise<void> {
  const scope: Scope = { projectSlug: 'publisher', environmentSlug: 'bench' };
  const ids: string[] = [];
  const inTurns = async (n: number, each: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < n; i += 16)
      await Promise.all(Array.from({ length: Math.min(16, n - i) }, (_, j) => each(i + j)));
  };
  console.error(`publisher: ${JSON.stringify(plan)}…`);
  await inTurns(plan.keyedCreates, async (i) => {
    const input = {
      sourceResourceType: 'application' as const,
      sourceResourceId: `app-${i}`,
      targetResourceType: 'instance' as const,
      targetResourceId: `i-${Math.floor(i / 4)}`,
      details: detailsOfSize(1024),
    };
    ids[i] = (await repo.create({ scope, input, actor: 'platform', idempotencyKey: `k-${i}` })).connection.id;
  });
  // Status changes round the lifecycle, each connection in its turn (at most one change of it at a time).
  const CYCLE = ['connecting', 'connected', 'disconnected', 'pending'] as const;
  await inTurns(plan.statusChanges, (i) =>
    repo.update({
      scope,
      id: ids[i % ids.length]!,
      patch: { status: CYCLE[Math.floor(i / ids.length) % CYCLE.length]! },
      actor: 'worker',
    }),
  );
  await inTurns(plan.detailsChanges, (i) =>
    repo.update({ scope, id: ids[i % ids.length]!, patch: { details: { step: i } }, actor: 'worker' }),
  );
  // The restored ones first, each right after its delete: within their seconds of retention.
  await inTurns(plan.restores, async (i) => {
    await repo.delete({ scope, id: ids[i]!, actor: 'platform' });
    await repo.restore({ scope, id: ids[i]!, actor: 'platform' });
  });
  await inTurns(plan.deletes - plan.restores, (i) =>
    repo.delete({ scope, id: ids[plan.restores + i]!, actor: 'platform' }),
  );
}

function report(): string {
  const events = records.filter((r) => r.passes).length;
  // Idempotency records expire after 24 hours: one TTL delete each, still to come.
  const idempotencyTtl = records.filter((r) => r.kind === 'IDEMPOTENCY' && r.name === 'INSERT').length;
  const all = records.length + idempotencyTtl;
  const ttlDeletes = records.filter((r) => r.ttl).length + idempotencyTtl;
  const purges = records.filter((r) => r.kind === 'CONNECTION' && r.ttl).length;
  const kind = (r: (typeof records)[number]) => `${r.kind} ${r.name}${r.ttl ? ' (TTL)' : ''}`;
  const byKind = new Map<string, number>([['IDEMPOTENCY REMOVE (TTL, after 24 h)', idempotencyTtl]]);
  for (const r of records) byKind.set(kind(r), (byKind.get(kind(r)) ?? 0) + 1);
  // At a low rate a change's records come in one poll, one invocation; a TTL delete comes alone, and
  // a purge's deletes of history and details come back to the publisher on their own.
  const lowRateWithout = (events - purges + ttlDeletes + purges) / events;
  return [
    `machine: ${machine()}; scale 1:${scale.toLocaleString('en')}: ${JSON.stringify(plan)}`,
    `#### Stream records by item and kind`,
    table(
      ['item, record', 'records', 'per event'],
      [...byKind].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => [k, n, (n / events).toFixed(2)]),
    ),
    `#### What the publisher is handed`,
    table(
      ['', 'records', 'per event', 'invocations per event: low rate', 'invocations per event: batches of 100'],
      [
        ['without filters', all, (all / events).toFixed(2), lowRateWithout.toFixed(2), (all / events / 100).toFixed(4)],
        ['with filters', events, '1.00', '1.00', (1 / 100).toFixed(4)],
      ],
    ),
    `${events} events, ${purges} of them purges; ${ttlDeletes} TTL deletes. Every record the filters pass makes an event (test/integration/stream-filter.test.ts).`,
  ].join('\n\n');
}
