/**
 * What is drawn: every resource singly, or an overview of groups (hierarchy.ts says how resources
 * group). The overview starts from one group per type, opens the groups the user opened (whole, or
 * as runs of their parts when the room is short), then the biggest groups while the drawing stays
 * within its budget; resources at the end of a problem connection (failed, connecting,
 * disconnected, or near its deadline) come out of their groups when there are few enough.
 * drawn.ts makes the drawing from what is chosen here.
 */
import { drawingOf, type Drawing } from './drawn.ts';
import { isGroup, type Group, type Hierarchy, type Part } from './hierarchy.ts';
import type { ResourceType } from './model.ts';

/** The most nodes an overview ever draws, user expansions included. */
export const OVERVIEW_MAX = 150;

export interface OverviewOptions {
  /** Nodes the drawing area shows readably (at most OVERVIEW_MAX). */
  readonly budget: number;
  /** Nodes one column may hold readably. */
  readonly perColumn: number;
  /** Groups the user opened, and resources searched for (the groups holding them open around them). */
  readonly open: ReadonlySet<string>;
}

/** Which column a type lands in, sources on the left (for the estimate of column heights). */
const LAYER: Record<ResourceType, number> = {
  application: 0,
  terminal: 0,
  bucket_explorer: 0,
  instance: 1,
  storage_bucket: 1,
  static_website: 1,
  firewall: 2,
  database: 2,
};

/** Every visible resource and connection drawn singly. */
export function fullDrawing(hierarchy: Hierarchy): Drawing {
  return drawingOf(hierarchy, hierarchy.resources, [], false, false, []);
}

/** The overview: the user's expansions first, then the biggest groups, within the budget. */
export function overviewDrawing(hierarchy: Hierarchy, options: OverviewOptions): Drawing {
  const budget = Math.min(OVERVIEW_MAX, options.budget);
  const { pulled, grouped } = pullProblems(hierarchy, budget);
  const cut = new Cut(hierarchy, [...pulled, ...hierarchy.typeGroups(grouped)], budget, options.perColumn);
  cut.openAsked(options.open);
  cut.fill(options.open);
  const singles = cut.parts.filter((p): p is string => !isGroup(p));
  return drawingOf(hierarchy, singles, cut.parts.filter(isGroup), true, cut.capped, grouped);
}

/** The parts an overview draws, and the room left in it and in each column. */
class Cut {
  parts: Part[];
  capped = false;
  private readonly columns = new Map<number, number>();

  constructor(
    private readonly hierarchy: Hierarchy,
    start: Part[],
    private readonly budget: number,
    private readonly perColumn: number,
  ) {
    this.parts = start;
    start.forEach((part) => this.count(part, 1));
  }

  /** The user's groups, breadth first: each opens whole, or as runs of its parts that fit. */
  openAsked(open: ReadonlySet<string>, start: Part[] = this.parts): void {
    for (let queue = start.filter(isGroup); queue.length;) {
      const next: Group[] = [];
      for (const group of queue) {
        if (!asked(group, open, this.hierarchy)) continue;
        const room = this.room(group);
        if (room < 2) {
          this.capped = true;
          continue;
        }
        // What the user opened (or searched) inside stays a part of its own, the rest in runs around it.
        const parts = this.hierarchy.partsOf(group, room, (part) =>
          isGroup(part) ? leadsTo(part, open) : open.has(part),
        );
        this.open(group, parts);
        next.push(...parts.filter(isGroup));
      }
      queue = next;
    }
  }

  /**
   * Then the biggest groups that open whole within the room (runs of parts are for groups the
   * user opens: by themselves they would crowd the picture and say little), and what the user
   * opened inside them.
   */
  fill(open: ReadonlySet<string>): void {
    for (let opened = true; opened;) {
      opened = false;
      const groups = this.parts
        .filter(isGroup)
        .sort((a, b) => b.members.length - a.members.length || (a.id < b.id ? -1 : 1));
      for (const group of groups) {
        const parts = this.hierarchy.children(group);
        if (parts.length > this.room(group)) continue;
        this.open(group, parts);
        this.openAsked(open, parts);
        opened = true;
        break;
      }
    }
  }

  /** How many parts `group` may open into: the budget's room, and its column's. */
  private room(group: Group): number {
    const inColumn = this.perColumn - (this.columns.get(LAYER[group.type]) ?? 0) + 1;
    return Math.min(this.budget - this.parts.length + 1, inColumn);
  }

  private open(group: Group, parts: Part[]): void {
    this.parts = this.parts.flatMap((part) => (part === group ? parts : [part]));
    this.count(group, -1);
    parts.forEach((part) => this.count(part, 1));
  }

  private count(part: Part, by: number): void {
    const column = LAYER[isGroup(part) ? part.type : this.hierarchy.typeOf(part)];
    this.columns.set(column, (this.columns.get(column) ?? 0) + by);
  }
}

/** Whether the user opened `group`, or, for a run, a group inside it. */
function asked(group: Group, open: ReadonlySet<string>, hierarchy: Hierarchy): boolean {
  if (open.has(group.id)) return true;
  return group.level === 'run' && hierarchy.children(group).some((part) => isGroup(part) && leadsTo(part, open));
}

/** Whether the user opened `group` or a group inside it. */
const leadsTo = (group: Group, open: ReadonlySet<string>) =>
  open.has(group.id) || [...open].some((id) => id.startsWith(`${group.id}|`));

/**
 * The resources at the end of a problem connection (failed, connecting, disconnected, or near its
 * deadline), drawn singly when they take at most a third of the budget; the rest are grouped.
 */
export function pullProblems(hierarchy: Hierarchy, budget: number): { pulled: string[]; grouped: string[] } {
  const problems = hierarchy.problemEnds();
  if (problems.size === 0 || problems.size > Math.floor(budget / 3))
    return { pulled: [], grouped: hierarchy.resources };
  return { pulled: [...problems].sort(), grouped: hierarchy.resources.filter((key) => !problems.has(key)) };
}
