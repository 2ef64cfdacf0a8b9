/**
 * What is drawn: every resource singly when that stays readable, else an overview of groups.
 *
 * Groups follow the domain's layers. A resource "hangs off" the resource it connects to that most
 * others hang off too (an application off its server, a server off its firewall); following that
 * to the end gives its root (the firewall, database or website the chain ends at). A type's
 * resources split by root ("40 applications via sg-3"), then by what they hang off ("4 applications
 * on i-0003"), then by key range, never into more than SPLIT_MAX parts; a group that small is drawn
 * as single resources. The overview starts from one group per type and opens the biggest groups
 * while the drawing stays within the budget the drawing area can show readably; resources at the
 * end of a problem connection (failed, connecting, disconnected, or near its deadline) come out of
 * their groups when there are few enough, and every group says how many of its connections are in
 * trouble.
 */
import {
  breakdown,
  isProblem,
  nearDeadline,
  PROBLEM_STATUSES,
  RESOURCE_TYPES,
  splitKey,
  TYPE_LOOK,
  type Graph,
  type GraphEdge,
  type ResourceType,
  type Status,
} from './model.ts';

/** The most nodes an overview ever draws, user expansions included. */
export const OVERVIEW_MAX = 150;
/** Parts per split; a group this small or smaller opens into single resources. */
const SPLIT_MAX = 40;
const SINGLES_AT = 12;

export interface DrawnNode {
  readonly id: string;
  readonly resourceType: ResourceType;
  /** Lines of the label. */
  readonly label: string;
  /** Resources it stands for: 1 for a single resource. */
  readonly count: number;
  readonly group: boolean;
  /** Its connections by status, worst first (a group's: every connection touching a member). */
  readonly statuses: [Status, number][];
}
export interface DrawnEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /**
   * The status of most of the connections it stands for (a bundle of 800 connected and 30 failed
   * is drawn connected: its groups' rings and labels tell the failures).
   */
  readonly status: Status;
  readonly count: number;
  readonly statuses: [Status, number][];
  /** Of the connections it stands for, those waiting past or within a minute of their deadline. */
  readonly nearDeadline: number;
}
export interface Drawing {
  readonly nodes: DrawnNode[];
  readonly edges: DrawnEdge[];
  readonly overview: boolean;
  /** The visible resources and connections it stands for. */
  readonly resources: number;
  readonly connections: number;
  /** The expansions asked for that the cap left closed. */
  readonly capped: boolean;
  /** Each visible resource's drawn node: itself, or the group it is in. */
  readonly drawnOf: ReadonlyMap<string, string>;
  /** The resources the overview's groups were made from (all but those pulled out). */
  readonly grouped: readonly string[];
  /** Every group opened, by the user or to fill the budget: opening one more keeps these open, so nothing else changes. */
  readonly opened: readonly string[];
}

/** Which column a type lands in, sources on the left (for the budget's estimate of column heights). */
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

interface Group {
  readonly id: string;
  readonly type: ResourceType;
  readonly members: readonly string[];
  readonly level: 'type' | 'root' | 'anchor' | 'range';
  readonly qualifier: string;
}

/** The hang-off structure of the visible edges, and the groups it implies (children computed once). */
export class Hierarchy {
  readonly resources: string[];
  private readonly anchors = new Map<string, string>();
  private readonly roots = new Map<string, string>();
  private readonly kids = new Map<string, (Group | string)[]>();

  constructor(
    readonly graph: Graph,
    readonly edges: readonly GraphEdge[],
  ) {
    const dependents = new Map<string, number>();
    const targets = new Map<string, string[]>();
    const seen = new Set<string>();
    for (const edge of edges) {
      dependents.set(edge.target, (dependents.get(edge.target) ?? 0) + 1);
      const list = targets.get(edge.source);
      if (list) list.push(edge.target);
      else targets.set(edge.source, [edge.target]);
      seen.add(edge.source).add(edge.target);
    }
    this.resources = [...seen].sort();
    for (const [source, list] of targets) {
      let best = list[0]!;
      for (const target of list) {
        const [a, b] = [dependents.get(target)!, dependents.get(best)!];
        if (a > b || (a === b && target < best)) best = target;
      }
      this.anchors.set(source, best);
    }
  }

  typeOf(key: string): ResourceType {
    return this.graph.nodes.get(key)?.resourceType ?? splitKey(key)[0];
  }

  /** The end of the hang-off chain (the resource itself when it hangs off nothing). */
  rootOf(key: string): string {
    let root = this.roots.get(key);
    if (root !== undefined) return root;
    const chain = new Set<string>([key]);
    root = key;
    for (let next = this.anchors.get(key); next !== undefined && !chain.has(next); next = this.anchors.get(next)) {
      chain.add(next);
      root = next;
    }
    this.roots.set(key, root);
    return root;
  }

  anchorOf(key: string): string | undefined {
    return this.anchors.get(key);
  }

  /** One group per type present, in the vocabulary's order. */
  typeGroups(members: readonly string[] = this.resources): Group[] {
    const byType = new Map<ResourceType, string[]>();
    for (const key of members) {
      const type = this.typeOf(key);
      const list = byType.get(type);
      if (list) list.push(key);
      else byType.set(type, [key]);
    }
    return RESOURCE_TYPES.filter((type) => byType.has(type)).map((type) => ({
      id: `t:${type}`,
      type,
      members: byType.get(type)!,
      level: 'type',
      qualifier: '',
    }));
  }

  /** A group's parts: smaller groups, or single resources (their keys). */
  children(group: Group): (Group | string)[] {
    let parts = this.kids.get(group.id);
    if (parts) return parts;
    parts = this.split(group);
    this.kids.set(group.id, parts);
    return parts;
  }

  private split(group: Group): (Group | string)[] {
    const { members } = group;
    if (members.length <= SINGLES_AT) return [...members];
    const idOf = (key: string) => splitKey(key)[1];
    const by = (level: 'root' | 'anchor', keyOf: (key: string) => string | undefined, word: string) => {
      const parts = new Map<string, string[]>();
      for (const member of members) {
        const part = keyOf(member) ?? '';
        const list = parts.get(part);
        if (list) list.push(member);
        else parts.set(part, [member]);
      }
      if (parts.size < 2 || parts.size > SPLIT_MAX) return undefined;
      return [...parts]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([part, list]): Group | string =>
          list.length === 1
            ? list[0]!
            : {
                id: `${group.id}|${level[0]}:${part}`,
                type: group.type,
                members: list,
                level,
                qualifier: part ? `${word} ${idOf(part)}` : `${word} nothing`,
              },
        );
    };
    const byRoot = () => by('root', (key) => this.rootOf(key), 'via');
    const byAnchor = () => by('anchor', (key) => this.anchorOf(key), 'on');
    const parts =
      (group.level === 'type' ? byRoot() : undefined) ??
      (group.level === 'type' || group.level === 'root' ? byAnchor() : undefined);
    if (parts) return parts;
    if (members.length <= SPLIT_MAX) return [...members];
    const size = Math.ceil(members.length / SPLIT_MAX);
    const ranges: Group[] = [];
    for (let i = 0; i < members.length; i += size) {
      const slice = members.slice(i, i + size);
      const [first, last] = [idOf(slice[0]!), idOf(slice[slice.length - 1]!)];
      ranges.push({
        id: `${group.id}|k:${first}`,
        type: group.type,
        members: slice,
        level: 'range',
        qualifier: `${first} … ${last}`,
      });
    }
    return ranges;
  }

  /** The groups, type group first, that hold `key` among `grouped`: opening them all shows it. */
  pathTo(key: string, grouped: readonly string[]): string[] {
    const path: string[] = [];
    let group: Group | undefined = this.typeGroups(grouped).find((g) => g.type === this.typeOf(key));
    while (group && group.members.includes(key)) {
      path.push(group.id);
      group = this.children(group).find(
        (part): part is Group => typeof part !== 'string' && part.members.includes(key),
      );
    }
    return path;
  }
}

export interface OverviewOptions {
  /** Nodes the drawing area shows readably (at most OVERVIEW_MAX). */
  readonly budget: number;
  /** Nodes one column may hold readably. */
  readonly perColumn: number;
  /** Groups the user opened. */
  readonly open: ReadonlySet<string>;
}

/** Every visible resource and connection drawn singly. */
export function fullDrawing(hierarchy: Hierarchy): Drawing {
  return drawingOf(hierarchy, hierarchy.resources, [], false, false, [], []);
}

/** The overview: groups within the budget, the user's expansions, problems pulled out when few. */
export function overviewDrawing(hierarchy: Hierarchy, options: OverviewOptions): Drawing {
  const { pulled, grouped } = pullProblems(hierarchy, options.budget);

  let cut: (Group | string)[] = [...pulled, ...hierarchy.typeGroups(grouped)];
  let capped = false;
  const columns = new Map<number, number>();
  const count = (part: Group | string) => {
    const column = LAYER[typeof part === 'string' ? hierarchy.typeOf(part) : part.type];
    columns.set(column, (columns.get(column) ?? 0) + 1);
  };
  cut.forEach(count);
  const opened: string[] = [];
  const open = (group: Group, parts: (Group | string)[]) => {
    opened.push(group.id);
    cut = cut.flatMap((part) => (part === group ? parts : [part]));
    const column = LAYER[group.type];
    columns.set(column, columns.get(column)! - 1);
    parts.forEach(count);
  };

  // The user's expansions, breadth first, as far as the cap allows (again inside each group opened below).
  const openAsked = (start: (Group | string)[]) => {
    for (let queue = start.filter((p): p is Group => typeof p !== 'string'); queue.length;) {
      const next: Group[] = [];
      for (const group of queue) {
        if (!options.open.has(group.id)) continue;
        const parts = hierarchy.children(group);
        if (cut.length - 1 + parts.length > OVERVIEW_MAX) {
          capped = true;
          continue;
        }
        open(group, parts);
        next.push(...parts.filter((p): p is Group => typeof p !== 'string'));
      }
      queue = next;
    }
  };
  openAsked(cut);
  // Then the biggest groups, while the drawing stays readable.
  const budget = Math.min(OVERVIEW_MAX, options.budget);
  for (let opened = true; opened;) {
    opened = false;
    const groups = cut
      .filter((p): p is Group => typeof p !== 'string')
      .sort((a, b) => b.members.length - a.members.length || (a.id < b.id ? -1 : 1));
    for (const group of groups) {
      const parts = hierarchy.children(group);
      const column = LAYER[group.type];
      if (cut.length - 1 + parts.length > budget) continue;
      if (columns.get(column)! - 1 + parts.filter((p) => sameColumn(hierarchy, p, column)).length > options.perColumn)
        continue;
      open(group, parts);
      openAsked(parts);
      opened = true;
      break;
    }
  }
  const singles = cut.filter((p): p is string => typeof p === 'string');
  const groups = cut.filter((p): p is Group => typeof p !== 'string');
  return drawingOf(hierarchy, singles, groups, true, capped, grouped, opened.sort());
}

/**
 * The resources at the end of a problem connection (failed, connecting, disconnected, or near its
 * deadline), drawn singly when they take at most a third of the budget; the rest are grouped.
 */
export function pullProblems(hierarchy: Hierarchy, budget: number): { pulled: string[]; grouped: string[] } {
  const problems = new Set<string>();
  for (const edge of hierarchy.edges)
    if (isProblem(edge, hierarchy.graph.readAt)) problems.add(edge.source).add(edge.target);
  if (problems.size === 0 || problems.size > Math.floor(budget / 3))
    return { pulled: [], grouped: hierarchy.resources };
  return { pulled: [...problems].sort(), grouped: hierarchy.resources.filter((key) => !problems.has(key)) };
}

const sameColumn = (hierarchy: Hierarchy, part: Group | string, column: number) =>
  LAYER[typeof part === 'string' ? hierarchy.typeOf(part) : part.type] === column;

function drawingOf(
  hierarchy: Hierarchy,
  singles: readonly string[],
  groups: readonly Group[],
  overview: boolean,
  capped: boolean,
  grouped: readonly string[],
  opened: readonly string[],
): Drawing {
  const drawnOf = new Map<string, string>();
  for (const key of singles) drawnOf.set(key, key);
  for (const group of groups) for (const member of group.members) drawnOf.set(member, group.id);

  const statusesOf = new Map<string, Status[]>();
  /** Per drawn node, its connections near or past their deadline (a group's label counts them). */
  const nearOf = new Map<string, number>();
  const note = (id: string, edge: GraphEdge, near: number) => {
    const list = statusesOf.get(id);
    if (list) list.push(edge.status);
    else statusesOf.set(id, [edge.status]);
    if (near) nearOf.set(id, (nearOf.get(id) ?? 0) + near);
  };
  const aggregated = new Map<string, { source: string; target: string; statuses: Status[]; near: number }>();
  const edges: DrawnEdge[] = [];
  for (const edge of hierarchy.edges) {
    const [source, target] = [drawnOf.get(edge.source)!, drawnOf.get(edge.target)!];
    const near = nearDeadline(edge, hierarchy.graph.readAt) ? 1 : 0;
    note(source, edge, near);
    if (target !== source) note(target, edge, near);
    if (source === target) continue;
    if (source === edge.source && target === edge.target) {
      const statuses: [Status, number][] = [[edge.status, 1]];
      edges.push({ id: edge.id, source, target, status: edge.status, count: 1, statuses, nearDeadline: near });
      continue;
    }
    const id = `${source}→${target}`;
    const entry = aggregated.get(id);
    if (entry) {
      entry.statuses.push(edge.status);
      entry.near += near;
    } else aggregated.set(id, { source, target, statuses: [edge.status], near });
  }
  for (const [id, { source, target, statuses, near }] of aggregated) {
    const counted = breakdown(statuses);
    const most = counted.reduce((best, entry) => (entry[1] > best[1] ? entry : best));
    edges.push({ id, source, target, status: most[0], count: statuses.length, statuses: counted, nearDeadline: near });
  }
  const nodes: DrawnNode[] = [
    ...singles.map((key) => ({
      id: key,
      resourceType: hierarchy.typeOf(key),
      label: splitKey(key)[1],
      count: 1,
      group: false,
      statuses: breakdown(statusesOf.get(key) ?? []),
    })),
    ...groups.map((group) => {
      const statuses = breakdown(statusesOf.get(group.id) ?? []);
      const near = nearOf.get(group.id) ?? 0;
      const problems = [
        ...statuses
          .filter(([status]) => PROBLEM_STATUSES.includes(status))
          .map(([status, n]) => `${n.toLocaleString('en')} ${status}`),
        ...(near ? [`${near.toLocaleString('en')} near deadline`] : []),
      ];
      const look = TYPE_LOOK[group.type];
      return {
        id: group.id,
        resourceType: group.type,
        label: [
          `${group.members.length.toLocaleString('en')} ${look.plural}${group.qualifier ? ` ${group.qualifier}` : ''}`,
          problems.length ? problems.join(' · ') : 'no problems',
        ].join('\n'),
        count: group.members.length,
        group: true,
        statuses,
      };
    }),
  ].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  edges.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    nodes,
    edges,
    overview,
    resources: hierarchy.resources.length,
    connections: hierarchy.edges.length,
    capped,
    drawnOf,
    grouped,
    opened,
  };
}
