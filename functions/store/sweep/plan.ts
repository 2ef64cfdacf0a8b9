/**
 * What one run of the deadline sweep takes, and in what order (patterns/deadlines.ts changes them; the why
 * is in docs/deadlines.md). It walks every shard of the deadline index from its oldest due entries,
 * stepping past each group (one project's entries of one minute) a page stops inside, and, where
 * old groups hold a shard up, again from the fresh window; then it shares the run's limit out
 * between the projects found (water-filling), reads more of a project's open groups where its
 * share needs it, and takes the chosen entries in turns.
 */
import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { DEADLINE_SHARDS, deadlineSweepKeys } from '../keys.ts';
import { TABLE } from '../table-definition.ts';
import { readPage, shareOut, takeInTurns, type DueEntry } from './share.ts';
import type { StoreTable } from '../patterns/table.ts';

/** Queries a shard's walk sends at most from its oldest entries, and as many again from the fresh window. */
const WALK_QUERIES = 3;
/** How far back a walk held up by old entries starts again: newly due work since the last run or two. */
export const FRESH_WINDOW_MS = 120_000;
/** Rounds of reading more for the projects whose share is more than was read of them. */
const FILL_ROUNDS = 3;
const { indexName, partitionKey, sortKey } = TABLE.indexes.byDeadline;

/** One run: the table, its time, and what its Queries read. */
export interface Run {
  readonly table: StoreTable;
  readonly now: string;
  readonly tally: { queries: number; examined: number };
}

/** Where the rest of a group a page stopped inside is read from. */
interface Open {
  readonly partition: string;
  readonly group: string;
  readonly project: string;
  readonly after: Record<string, string>;
}

/** A run's choice: the due connections it takes, in order, and what it knows of the rest. */
export interface Choice {
  /** The entries to take, in turns between projects. */
  readonly queue: DueEntry[];
  /** Due entries read in all (taken or not). */
  readonly read: number;
  /** Whether due entries may remain that were not read (a group or a shard not read to its end). */
  readonly unknown: boolean;
  /** Projects with due entries read. */
  readonly projects: number;
}

/** Finds the due connections and shares the run's `limit` out between their projects. */
export async function chooseDue(run: Run, limit: number, outOfTime: () => boolean = () => false): Promise<Choice> {
  const found = await discover(run, limit);
  const { queue, read, open } = await choose(run, found, limit, outOfTime);
  const projects = new Set(found.due.map((entry) => entry.project)).size;
  return { queue, read, unknown: open > 0 || found.unfinished > 0, projects };
}

interface Found {
  /** Every due entry read, in no particular order. */
  readonly due: DueEntry[];
  readonly open: Open[];
  /** Shards whose walk stopped before the end of their due entries. */
  readonly unfinished: number;
}

/** Walks every shard (in parallel) for the projects with due connections and their soonest entries. */
async function discover(run: Run, limit: number): Promise<Found> {
  // Enough per Query that one Query of each shard sees every project a small run shares between.
  const pageSize = Math.min(100, Math.max(10, Math.ceil((2 * limit) / DEADLINE_SHARDS)));
  const fresh = deadlineSweepKeys.minuteStart(new Date(Date.parse(run.now) - FRESH_WINDOW_MS).toISOString());
  const walks = await Promise.all(
    deadlineSweepKeys.partitions().map((partition) => walkShard(run, partition, pageSize, fresh)),
  );
  return {
    due: walks.flatMap((walk) => walk.due),
    open: walks.flatMap((walk) => walk.open),
    unfinished: walks.filter((walk) => !walk.finished).length,
  };
}

/**
 * One shard's due entries, group by group from the oldest: a page that stops inside a group leaves
 * it open (its first entries read) and the walk steps past it. After WALK_QUERIES Queries it starts
 * again at the fresh window, for as many more.
 */
async function walkShard(
  run: Run,
  partition: string,
  pageSize: number,
  fresh: string,
): Promise<{ due: DueEntry[]; open: Open[]; finished: boolean }> {
  const due: DueEntry[] = [];
  const open: Open[] = [];
  let from: string | undefined;
  let budget = WALK_QUERIES;
  let jumped = false;
  for (;;) {
    if (budget === 0) {
      if (jumped || (from !== undefined && from >= fresh)) return { due, open, finished: false };
      [from, budget, jumped] = [fresh, WALK_QUERIES, true];
    }
    budget--;
    const out = await query(run, partition, { from }, pageSize);
    const more = out.LastEvaluatedKey !== undefined;
    const page = readPage(out.Items ?? [], { now: run.now, more, sortKey });
    due.push(...page.due);
    if (page.open) open.push(openAt(partition, page.open));
    if (!more) return { due, open, finished: !jumped };
    from = deadlineSweepKeys.afterGroup(page.lastGroup!);
  }
}

/**
 * The run's connections: the limit shared out between projects by what each has due; a project
 * whose share is more than was read of it has more of its open groups read (up to FILL_ROUNDS
 * times, each time shared out again). Answers the chosen entries in turns, and how many groups
 * remain open.
 */
async function choose(
  run: Run,
  found: Found,
  limit: number,
  outOfTime: () => boolean,
): Promise<{ queue: DueEntry[]; read: number; open: number }> {
  const due = new Map<string, DueEntry[]>();
  const add = (entries: readonly DueEntry[]) => {
    for (const entry of entries) {
      const list = due.get(entry.project);
      if (list) list.push(entry);
      else due.set(entry.project, [entry]);
    }
  };
  add(found.due);
  let open = found.open;
  for (let round = 0; ; round++) {
    const demand = new Map(
      [...due].map(([project, entries]) => [
        project,
        open.some((o) => o.project === project) ? Infinity : entries.length,
      ]),
    );
    const soonest = new Map([...due].map(([project, entries]) => [project, minDeadline(entries)]));
    const shares = shareOut(limit, demand, soonest);
    const reads = open.flatMap((o) => {
      const wanted = shares.get(o.project)! - due.get(o.project)!.length;
      const groups = open.filter((other) => other.project === o.project).length;
      return wanted > 0 ? [{ open: o, limit: Math.ceil(wanted / groups) }] : [];
    });
    if (reads.length === 0 || round === FILL_ROUNDS || outOfTime())
      return {
        queue: takeInTurns(due, shares),
        read: [...due.values()].reduce((sum, entries) => sum + entries.length, 0),
        open: open.length,
      };
    open = open.filter((o) => !reads.some((read) => read.open === o));
    for (const more of await Promise.all(reads.map((read) => readGroup(run, read.open, read.limit)))) {
      add(more.due);
      if (more.open) open.push(more.open);
    }
  }
}

/** More of an open group, from past its last entry read. */
async function readGroup(run: Run, group: Open, limit: number): Promise<{ due: DueEntry[]; open?: Open }> {
  const out = await query(
    run,
    group.partition,
    {
      from: deadlineSweepKeys.groupStart(group.group),
      to: deadlineSweepKeys.afterGroup(group.group),
      after: group.after,
    },
    limit,
  );
  const page = readPage(out.Items ?? [], { now: run.now, more: out.LastEvaluatedKey !== undefined, sortKey });
  return { due: page.due, ...(page.open ? { open: openAt(group.partition, page.open) } : {}) };
}

const openAt = (partition: string, entry: DueEntry): Open => ({
  partition,
  group: entry.group,
  project: entry.project,
  after: entry.keys,
});

const minDeadline = (entries: readonly DueEntry[]): string =>
  entries.reduce((soonest, entry) => (entry.deadline < soonest ? entry.deadline : soonest), entries[0]!.deadline);

/** Entries of one shard's due range, or of the part of it from `from` (to `to`), in index order. */
async function query(
  run: Run,
  partition: string,
  range: { from?: string | undefined; to?: string; after?: Record<string, string> },
  limit: number,
): Promise<QueryCommandOutput> {
  const to = range.to ?? deadlineSweepKeys.dueUntil(run.now);
  const out = await run.table.client.send(
    new QueryCommand({
      TableName: run.table.tableName,
      IndexName: indexName,
      KeyConditionExpression: `#pk = :pk AND ${range.from === undefined ? '#sk <= :to' : '#sk BETWEEN :from AND :to'}`,
      ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
      ExpressionAttributeValues: {
        ':pk': partition,
        ':to': to,
        ...(range.from === undefined ? {} : { ':from': range.from }),
      },
      Limit: limit,
      ExclusiveStartKey: range.after,
    }),
  );
  run.tally.queries++;
  run.tally.examined += out.Count ?? 0;
  return out;
}
