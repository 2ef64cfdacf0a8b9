/**
 * How an overview groups resources. Groups follow the domain's layers: a resource "hangs off" the
 * resource it connects to that most others hang off too (an application off its server, a server
 * off its firewall); following that to the end gives its root (the firewall, database or website
 * the chain ends at). A type's resources split by root ("40 applications via sg-3"), then by what
 * they hang off ("4 applications on i-0003"), then by key range, never into more than SPLIT_MAX
 * parts; a group that small is drawn as single resources. A group with more parts than the
 * drawing has room for opens as runs of its parts ("200 applications via sg-0 … sg-4"), each of
 * which opens in turn.
 */
import { compare, naturalKey, naturally } from './natural-order.ts';
import {
  nearDeadline,
  PROBLEM_STATUSES,
  RESOURCE_TYPES,
  splitKey,
  type Graph,
  type GraphEdge,
  type ResourceType,
} from './model.ts';

/** Parts per split; a group this small or smaller opens into single resources. */
const SPLIT_MAX = 40;
const SINGLES_AT = 12;

export interface Group {
  readonly id: string;
  readonly type: ResourceType;
  readonly members: readonly string[];
  readonly level: 'type' | 'root' | 'anchor' | 'range' | 'run';
  /** What sets it apart from its siblings, in words ("via sg-3"), empty for a type's group. */
  readonly qualifier: string;
}

export type Part = Group | string;
export const isGroup = (part: Part): part is Group => typeof part !== 'string';

/** The hang-off structure of the visible edges, and the groups it implies (children computed once). */
export class Hierarchy {
  readonly resources: string[];
  private readonly anchors = new Map<string, string>();
  private readonly roots = new Map<string, string>();
  private readonly kids = new Map<string, Part[]>();
  private problems: Set<string> | undefined;
  private near: Set<GraphEdge> | undefined;

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

  /** Whether `edge` waits past or within a minute of its deadline (judged once per edge: parsing dates is dear). */
  isNear(edge: GraphEdge): boolean {
    this.near ??= new Set(this.edges.filter((e) => nearDeadline(e, this.graph.readAt)));
    return this.near.has(edge);
  }

  /** The resources at an end of a problem connection (failed, connecting, disconnected, or near its deadline). */
  problemEnds(): ReadonlySet<string> {
    if (this.problems) return this.problems;
    this.problems = new Set();
    for (const edge of this.edges)
      if (PROBLEM_STATUSES.includes(edge.status) || this.isNear(edge)) this.problems.add(edge.source).add(edge.target);
    return this.problems;
  }

  typeOf(key: string): ResourceType {
    return this.graph.nodes.get(key)?.resourceType ?? splitKey(key)[0];
  }

  /** The end of the hang-off chain (the resource itself when it hangs off nothing). */
  rootOf(key: string): string {
    let root = this.roots.get(key);
    if (root !== undefined) return root;
    // Chains are a few links long: an array is cheaper than a set for each of 200,000 resources.
    const chain = [key];
    root = key;
    for (let next = this.anchors.get(key); next !== undefined && !chain.includes(next); next = this.anchors.get(next)) {
      chain.push(next);
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
  children(group: Group): Part[] {
    let parts = this.kids.get(group.id);
    if (parts) return parts;
    parts = this.split(group);
    this.kids.set(group.id, parts);
    return parts;
  }

  /**
   * A group's parts, at most `most` of them (at least 2): past that, consecutive parts are drawn
   * together as runs, in the same order, so the same room always gives the same runs. Parts the
   * user is after (`kept`: opened, or holding what was searched) stay parts of their own, with
   * the rest in runs between them, unless all fit with room for each kept part to open.
   */
  partsOf(group: Group, most: number, kept: (part: Part) => boolean = () => false): Part[] {
    const parts = this.children(group);
    const keeping = parts.filter(kept).length;
    if (parts.length + keeping <= most) return parts;
    if (keeping) {
      const pieces: Part[] = [];
      let start = 0;
      parts.forEach((part, i) => {
        if (!kept(part)) return;
        if (i > start) pieces.push(this.run(group, parts, start, i));
        pieces.push(part);
        start = i + 1;
      });
      if (start < parts.length) pieces.push(this.run(group, parts, start, parts.length));
      return pieces;
    }
    const size = Math.ceil(parts.length / Math.max(2, most));
    const runs: Part[] = [];
    for (let i = 0; i < parts.length; i += size) runs.push(this.run(group, parts, i, Math.min(parts.length, i + size)));
    return runs;
  }

  /** Parts `from` to `to` (not included) of `group` drawn as one, or the one part itself. */
  private run(group: Group, parts: readonly Part[], from: number, to: number): Part {
    const run = parts.slice(from, to);
    if (run.length === 1) return run[0]!;
    const id = `${group.id}|n:${from}-${to - 1}`;
    this.kids.set(id, run);
    const ends = [run[0]!, run[run.length - 1]!].map(nameOf);
    return {
      id,
      type: group.type,
      members: run.flatMap((part) => (isGroup(part) ? part.members : [part])),
      level: 'run',
      qualifier: `${wordOf(run[0]!)}${ends[0]} … ${ends[1]}`.trim(),
    };
  }

  private split(group: Group): Part[] {
    const { members } = group;
    if (members.length <= SINGLES_AT) return naturally([...members]);
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
        .sort(([a], [b]) => compare(naturalKey(a), naturalKey(b)))
        .map(([part, list]): Part =>
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
    // Single resources, or ranges of them, in their ids' natural order (only here: sorting every
    // resource so would cost seconds at 200,000 connections).
    const ordered = naturally([...members]);
    if (members.length <= SPLIT_MAX) return ordered;
    const size = Math.ceil(members.length / SPLIT_MAX);
    const ranges: Group[] = [];
    for (let i = 0; i < ordered.length; i += size) {
      const slice = ordered.slice(i, i + size);
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
      group = this.children(group).find((part): part is Group => isGroup(part) && part.members.includes(key));
    }
    return path;
  }
}

const idOf = (key: string) => splitKey(key)[1];
/** "via sg-3" → "sg-3"; a resource → its id; a range → its first id. */
const nameOf = (part: Part) => (isGroup(part) ? part.qualifier.replace(/^(via|on) /, '').split(' … ')[0]! : idOf(part));
const wordOf = (part: Part) =>
  isGroup(part) && /^(via|on) /.test(part.qualifier) ? `${part.qualifier.split(' ')[0]} ` : '';
