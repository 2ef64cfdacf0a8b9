/**
 * The sweep's choices as pure functions (plan.ts reads the index and calls them): what a page
 * of the deadline index holds that is due, how a run's limit is shared out between projects, and
 * the order the chosen entries are taken in. Tested by table in test/unit/sweep-plan.test.ts.
 */
import { deadlineSweepKeys } from '../keys.ts';

/** A due entry of the deadline index, as read. */
export interface DueEntry {
  /** Its keys as the index returned them: where a read of the rest of its group continues from. */
  readonly keys: Record<string, string>;
  readonly project: string;
  /** The entries of one project due in one minute, in one shard. */
  readonly group: string;
  readonly deadline: string;
}

export interface PageReading {
  /** The page's entries due at `now`, in index order. */
  readonly due: DueEntry[];
  /** The page's last entry, when the page stopped inside its group with more of it perhaps due. */
  readonly open?: DueEntry | undefined;
  /** The group the page ended in: a walk goes on past it. */
  readonly lastGroup?: string | undefined;
}

/** Reads a page of index entries (`more`: DynamoDB has more past it). */
export function readPage(
  items: readonly Record<string, unknown>[],
  { now, more, sortKey }: { now: string; more: boolean; sortKey: string },
): PageReading {
  const entries = items.map((item): DueEntry => {
    const keys = item as Record<string, string>;
    return { keys, ...deadlineSweepKeys.entryOf(keys[sortKey]!) };
  });
  const due = entries.filter((entry) => entry.deadline <= now);
  const last = entries.at(-1);
  // A group lists its deadlines soonest first: once one is not due, none after it is.
  const open = more && last !== undefined && last.deadline <= now ? last : undefined;
  return { due, open, lastGroup: last?.group };
}

/**
 * How many of a run's `limit` each project gets. `demand`: what each project has due (Infinity
 * when it may have more than was read); `soonest`: each project's soonest due deadline, which
 * decides who gets the last few when the limit does not divide evenly. Ties go by project name.
 */
export function shareOut(
  limit: number,
  demand: ReadonlyMap<string, number>,
  soonest: ReadonlyMap<string, string>,
): Map<string, number> {
  const order = [...demand.keys()].sort((a, b) => compare(soonest.get(a) ?? '', soonest.get(b) ?? '') || compare(a, b));
  const shares = new Map(order.map((project) => [project, 0]));
  let open = order.filter((project) => demand.get(project)! > 0);
  let left = limit;
  while (left > 0 && open.length > 0) {
    const share = Math.floor(left / open.length);
    if (share === 0) {
      for (const project of open.slice(0, left)) shares.set(project, shares.get(project)! + 1);
      break;
    }
    for (const project of open) {
      const given = Math.min(share, demand.get(project)! - shares.get(project)!);
      shares.set(project, shares.get(project)! + given);
      left -= given;
    }
    open = open.filter((project) => shares.get(project)! < demand.get(project)!);
  }
  return shares;
}

/**
 * Each project's `share` of its due entries, soonest first, taken in turns: one of each project,
 * then the next of each, projects ordered by their soonest deadline. A run cut short by time has
 * then still been fair.
 */
export function takeInTurns(
  due: ReadonlyMap<string, readonly DueEntry[]>,
  shares: ReadonlyMap<string, number>,
): DueEntry[] {
  const lists = [...due.entries()]
    .map(([project, entries]) =>
      [...entries].sort((a, b) => compare(a.deadline, b.deadline)).slice(0, shares.get(project) ?? 0),
    )
    .filter((list) => list.length > 0)
    .sort((a, b) => compare(a[0]!.deadline, b[0]!.deadline) || compare(a[0]!.project, b[0]!.project));
  const longest = Math.max(0, ...lists.map((list) => list.length));
  return Array.from({ length: longest }, (_, i) => lists.flatMap((list) => (i < list.length ? [list[i]!] : []))).flat();
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
