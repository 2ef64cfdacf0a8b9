/**
 * The deadline sweep (docs/deadlines.md). It finds the connections whose deadline has passed in the
 * sparse byDeadline index (only live pending and connecting connections have its keys) and moves
 * each to `failed` through the read-decide-write a PATCH uses (change.ts): a consistent read, the
 * decision (domain `expire`) on what was read, one transaction with the history entry on the
 * condition that the version read is still current. A caller's change that commits first wins: the
 * sweep reads again, sees the connection moved on or its deadline moved (a heartbeat), and leaves
 * it. It reads no other connection.
 *
 * Fair between projects and bounded: a run takes at most `limit` due connections, shared out between
 * the projects that have some due (../sweep/plan.ts), changes them in turns `SWEEP_PARALLELISM` at a
 * time, and takes no new work after `stopAt`. What it did not reach stays in the index, oldest
 * first, so the next run starts there.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DEADLINE_ACTOR, expire } from '#domain/decisions.ts';
import { NotFoundError, ServiceUnavailableError } from '#model/errors.ts';
import { isDatabaseUnavailable } from '../database-errors.ts';
import { deadlineSweepKeys } from '../keys.ts';
import { TABLE } from '../table-definition.ts';
import { change } from './change.ts';
import { chooseDue, type Run } from '../sweep/plan.ts';
import type { DueEntry } from '../sweep/share.ts';
import type { StoreTable } from './table.ts';

/** Due connections one run takes at most, unless told otherwise (SWEEP_BATCH_LIMIT). */
export const SWEEP_LIMIT = 1000;
/** Connections changed at once: bounded, so a burst of deadlines never floods the table. */
export const SWEEP_PARALLELISM = 25;
/** Entries one backlog COUNT query examines at most per shard (keys only: about 40 KB). */
const COUNT_LIMIT = 1000;
const { indexName, partitionKey, sortKey } = TABLE.indexes.byDeadline;

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
  /** Due connections left for the next run (counted by whole minutes past, at most COUNT_LIMIT per shard): 0 when it drained. */
  readonly backlog: number;
  /** Projects that had due connections the run saw. */
  readonly projects: number;
  /** Connections moved to failed, by project: what the run's sharing gave each. */
  readonly failedByProject: Readonly<Record<string, number>>;
  /** How long past its deadline the latest-enforced connection of this run was, in seconds. */
  readonly maxLatenessSeconds: number;
  /** Queries sent to the index, and index entries they returned. */
  readonly queries: number;
  readonly examined: number;
  /** Connections the run could not handle (the first error is kept); they stay due for the next run. */
  readonly errors: number;
  readonly firstError?: unknown;
}

export async function sweepDeadlines(table: StoreTable, options: SweepOptions = {}): Promise<SweepResult> {
  const run: Run = { table, now: options.now ?? new Date().toISOString(), tally: { queries: 0, examined: 0 } };
  const limit = options.limit ?? SWEEP_LIMIT;
  const outOfTime = () => options.stopAt !== undefined && Date.now() >= options.stopAt;
  const outcome = { failed: 0, skipped: 0, errors: 0, maxLatenessSeconds: 0 };
  const failedByProject: Record<string, number> = {};
  let firstError: unknown;
  let pressOn = true;

  const handle = async (entry: DueEntry): Promise<void> => {
    const target = deadlineSweepKeys.connectionOf(entry.keys[TABLE.partitionKey]!);
    if (!target) return void outcome.skipped++;
    try {
      const { changes } = await change(
        table,
        { ...target, actor: DEADLINE_ACTOR },
        { deleted: false },
        (current, _at, since) => expire(current, { now: run.now, statusSince: since ?? current.updatedAt }),
      );
      if (!changes.status) return void outcome.skipped++;
      outcome.failed++;
      failedByProject[entry.project] = (failedByProject[entry.project] ?? 0) + 1;
      const lateness = (Date.parse(run.now) - Date.parse(String(changes.statusDeadline?.from))) / 1000;
      if (lateness > outcome.maxLatenessSeconds) outcome.maxLatenessSeconds = lateness;
    } catch (error) {
      if (error instanceof NotFoundError) return void outcome.skipped++; // deleted since the index read
      outcome.errors++;
      firstError ??= error;
      // The database is throttling or away: leave the rest for the next run rather than press on.
      if (error instanceof ServiceUnavailableError || isDatabaseUnavailable(error)) pressOn = false;
    }
  };

  const { queue, read, unknown, projects } = await chooseDue(run, limit, outOfTime);
  let taken = 0;
  while (taken < queue.length && pressOn && !outOfTime()) {
    const batch = queue.slice(taken, taken + SWEEP_PARALLELISM);
    taken += batch.length;
    await Promise.all(batch.map(handle));
  }

  // What was found due and not taken, and what failed: both still wait in the index.
  const known = read - taken + outcome.errors;
  // A database that refused the changes may refuse the count too: then what is known.
  const backlog = !unknown
    ? known
    : await countDue(run).catch((error: unknown) => {
        firstError ??= error;
        return known;
      });
  return {
    ...outcome,
    backlog,
    projects,
    failedByProject,
    ...run.tally,
    ...(firstError === undefined ? {} : { firstError }),
  };
}

/**
 * Due entries the index still holds, by whole minutes before the run's (a deadline later in the
 * run's own minute may not have passed), counting at most COUNT_LIMIT per shard.
 */
async function countDue(run: Run): Promise<number> {
  const before = deadlineSweepKeys.minuteStart(run.now);
  const counts = await Promise.all(
    deadlineSweepKeys.partitions().map(async (partition) => {
      const out = await run.table.client.send(
        new QueryCommand({
          TableName: run.table.tableName,
          IndexName: indexName,
          KeyConditionExpression: '#pk = :pk AND #sk < :before',
          ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
          ExpressionAttributeValues: { ':pk': partition, ':before': before },
          Select: 'COUNT',
          Limit: COUNT_LIMIT,
        }),
      );
      run.tally.queries++;
      return out.Count ?? 0;
    }),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}
