/**
 * The deadline sweep (contract §5, Deadlines). It finds the connections whose deadline has passed
 * in the sparse byDeadline index (only live pending and connecting connections have its keys; each
 * shard lists them soonest deadline first) and moves each to `failed` through the read-decide-write
 * a PATCH uses (change.ts): a consistent read, the decision (domain `expire`) on what was read, one
 * transaction with the history entry on the condition that the version read is still current. A
 * caller's change that commits first wins: the sweep reads again, sees the connection moved on or
 * its deadline moved (a heartbeat), and leaves it. It reads no other connection.
 *
 * Bounded: a run takes at most `limit` due connections (1,000), `SWEEP_PARALLELISM` at a time, and
 * no new work after `stopAt`. What it did not reach stays in the index, soonest first, so the next
 * run starts there; the run counts it (the backlog) with one bounded COUNT query per shard.
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { DEADLINE_ACTOR, expire } from '#domain/decisions.ts';
import { NotFoundError, ServiceUnavailableError } from '#model/errors.ts';
import { isDatabaseUnavailable } from '../database-errors.ts';
import { deadlineSweepKeys } from '../keys.ts';
import { TABLE } from '../table-definition.ts';
import { change } from './change.ts';
import type { StoreTable } from './table.ts';

/** Due connections one run takes at most: at 25 at a time, a few seconds of work in AWS. */
export const SWEEP_LIMIT = 1000;
/** Connections changed at once: bounded, so a burst of deadlines never floods the table. */
export const SWEEP_PARALLELISM = 25;
/** Index entries per Query. */
const PAGE = 100;
/** Entries one backlog COUNT query examines at most per shard (keys only: about 40 KB). */
const COUNT_LIMIT = 1000;

export interface SweepOptions {
  /** The sweep's time: deadlines at or before it have passed. @default the time the run starts */
  readonly now?: string;
  /** Due connections the run takes at most. @default SWEEP_LIMIT */
  readonly limit?: number;
  /** Epoch milliseconds after which the run takes no new work. @default none */
  readonly stopAt?: number;
}

export interface SweepResult {
  /** Connections this run moved to failed. */
  readonly failed: number;
  /** Found due in the index but left as they were: they moved on, got more time, or were deleted. */
  readonly skipped: number;
  /** Due connections left for the next run (at most COUNT_LIMIT per shard are counted): 0 when it drained. */
  readonly backlog: number;
  /** How long past its deadline the latest-enforced connection of this run was, in seconds. */
  readonly maxLatenessSeconds: number;
  /** Queries sent to the index, and index entries they returned. */
  readonly queries: number;
  readonly examined: number;
  /** Connections the run could not handle (the first error is kept); they stay due for the next run. */
  readonly errors: number;
  readonly firstError?: unknown;
}

interface Shard {
  readonly partition: string;
  start?: Record<string, string> | undefined;
  done: boolean;
}

export async function sweepDeadlines(table: StoreTable, options: SweepOptions = {}): Promise<SweepResult> {
  const now = options.now ?? new Date().toISOString();
  const limit = options.limit ?? SWEEP_LIMIT;
  const due = deadlineSweepKeys.dueBefore(now);
  const shards: Shard[] = deadlineSweepKeys.partitions().map((partition) => ({ partition, done: false }));
  const tally = { failed: 0, skipped: 0, queries: 0, examined: 0, errors: 0, maxLatenessSeconds: 0 };
  let firstError: unknown;
  let pressOn = true;
  const outOfTime = () => options.stopAt !== undefined && Date.now() >= options.stopAt;

  const handle = async (entry: Record<string, unknown>): Promise<void> => {
    const target = deadlineSweepKeys.connectionOf(String(entry[TABLE.partitionKey]));
    if (!target) return void tally.skipped++;
    try {
      const { changes } = await change(
        table,
        { ...target, actor: DEADLINE_ACTOR },
        { deleted: false },
        (current, _at, since) => expire(current, { now, statusSince: since ?? current.updatedAt }),
      );
      if (!changes.status) return void tally.skipped++;
      tally.failed++;
      const lateness = (Date.parse(now) - Date.parse(String(changes.statusDeadline?.from))) / 1000;
      if (lateness > tally.maxLatenessSeconds) tally.maxLatenessSeconds = lateness;
    } catch (error) {
      if (error instanceof NotFoundError) return void tally.skipped++; // deleted since the index read
      tally.errors++;
      firstError ??= error;
      // The database is throttling or away: leave the rest for the next run rather than press on.
      if (error instanceof ServiceUnavailableError || isDatabaseUnavailable(error)) pressOn = false;
    }
  };

  let taken = 0;
  const queue: Record<string, unknown>[] = [];
  while (taken < limit && pressOn && !outOfTime()) {
    if (queue.length === 0) {
      const open = shards.filter((shard) => !shard.done);
      if (open.length === 0) break;
      const perShard = Math.min(PAGE, Math.ceil((limit - taken) / open.length));
      const pages = await Promise.all(open.map((shard) => readShard(table, shard, due, perShard, tally)));
      queue.push(...interleave(pages));
      continue;
    }
    const batch = queue.splice(0, Math.min(SWEEP_PARALLELISM, limit - taken));
    taken += batch.length;
    await Promise.all(batch.map(handle));
  }

  const drained = queue.length === 0 && shards.every((shard) => shard.done) && tally.errors === 0;
  // A database that refused the changes may refuse the count too: then what was read and not taken.
  const backlog = drained
    ? 0
    : await countDue(table, due, tally).catch((error: unknown) => {
        firstError ??= error;
        return queue.length;
      });
  return { ...tally, backlog, ...(firstError === undefined ? {} : { firstError }) };
}

/** The next page of a shard's due entries, soonest deadline first. */
async function readShard(
  table: StoreTable,
  shard: Shard,
  due: string,
  limit: number,
  tally: { queries: number; examined: number },
): Promise<Record<string, unknown>[]> {
  const out = await table.client.send(
    new QueryCommand({ ...dueQuery(table, shard.partition, due), Limit: limit, ExclusiveStartKey: shard.start }),
  );
  tally.queries++;
  tally.examined += out.Count ?? 0;
  shard.start = out.LastEvaluatedKey as Record<string, string> | undefined;
  shard.done = shard.start === undefined;
  return out.Items ?? [];
}

/** How many due entries the index still holds, counting at most COUNT_LIMIT per shard. */
async function countDue(table: StoreTable, due: string, tally: { queries: number }): Promise<number> {
  const counts = await Promise.all(
    deadlineSweepKeys.partitions().map(async (partition) => {
      const out = await table.client.send(
        new QueryCommand({ ...dueQuery(table, partition, due), Select: 'COUNT', Limit: COUNT_LIMIT }),
      );
      tally.queries++;
      return out.Count ?? 0;
    }),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

function dueQuery(table: StoreTable, partition: string, due: string): QueryCommandInput {
  const index = TABLE.indexes.byDeadline;
  return {
    TableName: table.tableName,
    IndexName: index.indexName,
    KeyConditionExpression: '#pk = :pk AND #sk < :due',
    ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
    ExpressionAttributeValues: { ':pk': partition, ':due': due },
  };
}

/** Round-robin over the shards' pages, so every shard's soonest deadlines come first. */
function interleave<T>(pages: readonly T[][]): T[] {
  const longest = Math.max(0, ...pages.map((page) => page.length));
  return Array.from({ length: longest }, (_, i) => pages.flatMap((page) => (i < page.length ? [page[i]!] : []))).flat();
}
