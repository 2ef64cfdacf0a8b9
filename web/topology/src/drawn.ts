/**
 * A drawing: its nodes (resources, and groups of them) and edges (connections, and bundles of
 * them), made from the resources drawn singly and the groups drawn. Nothing drawn together hides
 * a status: a bundle keeps every status inside it with its count (graph-view.ts gives each its own
 * strand), and a group counts every status of the connections touching it (its ring shows each;
 * its label counts those in trouble).
 */
import type { Group, Hierarchy } from './hierarchy.ts';
import { PROBLEM_STATUSES, SEVERITY, TYPE_LOOK, type ResourceType, type Status } from './model.ts';

/** A group's second line is wrapped at about this many characters, so groups stay narrow. */
const COUNTS_LINE = 26;

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
  /** The connection's id, or `source→target` for a bundle of several. */
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly count: number;
  /** Every status inside with its count, worst first. */
  readonly statuses: [Status, number][];
  /** Per status, the connections waiting past or within a minute of their deadline. */
  readonly near: Partial<Record<Status, number>>;
}
export interface Drawing {
  readonly nodes: DrawnNode[];
  readonly edges: DrawnEdge[];
  readonly overview: boolean;
  /** The visible resources and connections it stands for. */
  readonly resources: number;
  readonly connections: number;
  /** The expansions asked for that found no room. */
  readonly capped: boolean;
  /** Each visible resource's drawn node: itself, or the group it is in. */
  readonly drawnOf: ReadonlyMap<string, string>;
  /** The resources the overview's groups were made from (all but those pulled out). */
  readonly grouped: readonly string[];
}

/** Connections counted by status, and those near their deadline by status. */
interface Tally {
  count: number;
  statuses: Partial<Record<Status, number>>;
  near: Partial<Record<Status, number>>;
}

export function drawingOf(
  hierarchy: Hierarchy,
  singles: readonly string[],
  groups: readonly Group[],
  overview: boolean,
  capped: boolean,
  grouped: readonly string[],
): Drawing {
  const drawnOf = new Map<string, string>();
  for (const key of singles) drawnOf.set(key, key);
  for (const group of groups) for (const member of group.members) drawnOf.set(member, group.id);

  const byNode = new Map<string, Tally>();
  type EdgeTally = Tally & { id: string; source: string; target: string };
  const singly: EdgeTally[] = [];
  // By source, then target: no string made per connection (200,000 of them at the largest).
  const bundles = new Map<string, Map<string, EdgeTally>>();
  const bundleTally = (source: string, target: string) => {
    const from = bundles.get(source) ?? bundles.set(source, new Map()).get(source)!;
    const found = from.get(target);
    if (found) return found;
    const tally = { id: `${source}→${target}`, source, target, count: 0, statuses: {}, near: {} };
    from.set(target, tally);
    return tally;
  };

  const note = (tally: Tally, status: Status, near: boolean) => {
    tally.count++;
    tally.statuses[status] = (tally.statuses[status] ?? 0) + 1;
    if (near) tally.near[status] = (tally.near[status] ?? 0) + 1;
  };
  const nodeTally = (id: string) => byNode.get(id) ?? byNode.set(id, { count: 0, statuses: {}, near: {} }).get(id)!;
  for (const edge of hierarchy.edges) {
    const [source, target] = [drawnOf.get(edge.source)!, drawnOf.get(edge.target)!];
    const near = hierarchy.isNear(edge);
    note(nodeTally(source), edge.status, near);
    if (target !== source) note(nodeTally(target), edge.status, near);
    if (source === target) continue;
    if (source !== edge.source || target !== edge.target) note(bundleTally(source, target), edge.status, near);
    else
      singly.push({
        id: edge.id,
        source,
        target,
        count: 1,
        statuses: { [edge.status]: 1 },
        near: near ? { [edge.status]: 1 } : {},
      });
  }
  const tallies = [...singly, ...[...bundles.values()].flatMap((to) => [...to.values()])];
  const edges: DrawnEdge[] = tallies.map(({ id, source, target, count, statuses, near }) => ({
    id,
    source,
    target,
    count,
    statuses: worstFirst(statuses),
    near,
  }));
  const nodes: DrawnNode[] = [
    ...singles.map((key) => ({
      id: key,
      resourceType: hierarchy.typeOf(key),
      label: key.slice(key.indexOf('/') + 1),
      count: 1,
      group: false,
      statuses: worstFirst(byNode.get(key)?.statuses ?? {}),
    })),
    ...groups.map((group) => groupNode(group, byNode.get(group.id))),
  ];
  return {
    nodes: nodes.sort(byId),
    edges: edges.sort(byId),
    overview,
    resources: hierarchy.resources.length,
    connections: hierarchy.edges.length,
    capped,
    drawnOf,
    grouped,
  };
}

/**
 * "1,000 applications via sg-3", then its connections in trouble (failed, connecting, disconnected,
 * near their deadline) counted; its ring shows every status, pending and connected included.
 */
function groupNode(group: Group, tally: Tally | undefined): DrawnNode {
  const statuses = worstFirst(tally?.statuses ?? {});
  const near = Object.values(tally?.near ?? {}).reduce((sum, n) => sum + n, 0);
  const counts = [
    ...statuses
      .filter(([status]) => PROBLEM_STATUSES.includes(status))
      .map(([s, n]) => `${n.toLocaleString('en')} ${s}`),
    ...(near ? [`${near.toLocaleString('en')} near deadline`] : []),
  ];
  const name = `${group.members.length.toLocaleString('en')} ${TYPE_LOOK[group.type].plural}`;
  return {
    id: group.id,
    resourceType: group.type,
    label: [group.qualifier ? `${name} ${group.qualifier}` : name, ...wrap(counts, 'no problems')].join('\n'),
    count: group.members.length,
    group: true,
    statuses,
  };
}

/** Items joined by " · " into lines of about COUNTS_LINE characters. */
function wrap(items: readonly string[], none: string): string[] {
  if (items.length === 0) return [none];
  const lines: string[] = [];
  for (const item of items) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 3 + item.length <= COUNTS_LINE)
      lines[lines.length - 1] = `${last} · ${item}`;
    else lines.push(item);
  }
  return lines;
}

/** Counts by status, worst first, zeros left out. */
const worstFirst = (counts: Partial<Record<Status, number>>): [Status, number][] =>
  SEVERITY.flatMap((status) => (counts[status] ? [[status, counts[status]] as [Status, number]] : []));

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
