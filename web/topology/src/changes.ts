/**
 * Changes pushed to the page (docs/api.md, Watching changes) applied to the graph it holds: each
 * event carries the whole connection after the change, so it becomes the edge of that id, at a
 * version higher than the one held, or the edge goes when the connection was deleted or purged (the
 * page reads live connections only). A neighbourhood (focus) keeps its edges current in place; a
 * change that could alter which connections it holds asks for a read instead, as does anything the
 * page cannot place for sure.
 */
import { RESOURCE_TYPES, STATUSES, type Graph, type GraphEdge, type GraphNode } from './model.ts';

/** One pushed change: the connection as an edge and its two ends, or `edge` undefined when it is gone. */
export interface Change {
  readonly id: string;
  readonly version: number;
  readonly edge: GraphEdge | undefined;
  readonly ends: readonly [GraphNode, GraphNode];
}

interface PushedConnection {
  id?: unknown;
  projectSlug?: unknown;
  environmentSlug?: unknown;
  sourceResourceType?: unknown;
  sourceResourceId?: unknown;
  targetResourceType?: unknown;
  targetResourceId?: unknown;
  status?: unknown;
  statusDeadline?: unknown;
  updatedAt?: unknown;
  deletedAt?: unknown;
  version?: unknown;
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';
const nodeOf = (type: unknown, id: unknown): GraphNode | undefined =>
  (RESOURCE_TYPES as readonly unknown[]).includes(type) && isText(id)
    ? { key: `${type as string}/${id}`, resourceType: type as GraphNode['resourceType'], resourceId: id }
    : undefined;

/**
 * The change an event's envelope stands for, when it is a change of a connection of `project`/`env`
 * (any event type: one added later too); undefined for anything else.
 */
export function changeOf(envelope: unknown, project: string, env: string): Change | undefined {
  const { detail, 'detail-type': type } = (envelope ?? {}) as { detail?: unknown; 'detail-type'?: unknown };
  const { connection, version: detailVersion } = (detail ?? {}) as { connection?: unknown; version?: unknown };
  const c = (connection ?? {}) as PushedConnection;
  const version = typeof detailVersion === 'number' ? detailVersion : c.version;
  const source = nodeOf(c.sourceResourceType, c.sourceResourceId);
  const target = nodeOf(c.targetResourceType, c.targetResourceId);
  if (!isText(c.id) || typeof version !== 'number' || !source || !target) return undefined;
  if (c.projectSlug !== project || c.environmentSlug !== env) return undefined;
  const gone = type === 'Connection Purged' || type === 'Connection Deleted' || c.deletedAt != null;
  if (!gone && !(STATUSES as readonly unknown[]).includes(c.status)) return undefined;
  const edge: GraphEdge | undefined = gone
    ? undefined
    : {
        id: c.id,
        source: source.key,
        target: target.key,
        status: c.status as GraphEdge['status'],
        version,
        updatedAt: String(c.updatedAt),
        statusDeadline: isText(c.statusDeadline) ? c.statusDeadline : null,
      };
  return { id: c.id, version, edge, ends: [source, target] };
}

export interface Applied {
  /** The graph with the changes, or undefined when none changes what the page holds. */
  readonly graph: Graph | undefined;
  /** A change may alter which connections a neighbourhood holds: read it again. */
  readonly reread: boolean;
}

/**
 * `changes` (in the order they came) applied to `graph`. `gone` holds the version at which each
 * connection was seen deleted or purged, so an older change of it is not drawn again (it is
 * updated here). In a neighbourhood (`around`), a change to an edge it holds is applied in place;
 * a new or removed edge touching one of its resources asks for a read; anything else is outside it.
 */
export function applyChanges(
  graph: Graph,
  changes: readonly Change[],
  gone: Map<string, number>,
  around: boolean,
  now: number,
): Applied {
  const edges = new Map(graph.edges);
  let changed = false;
  let reread = false;
  for (const change of changes) {
    const held = Math.max(edges.get(change.id)?.version ?? 0, gone.get(change.id) ?? 0);
    if (change.version <= held) continue;
    if (!change.edge) gone.set(change.id, change.version);
    const shown = edges.has(change.id);
    if (around && (!shown || !change.edge)) {
      // Whether it joins, leaves or cuts the neighbourhood is the API's to say.
      if (change.ends.some((end) => graph.nodes.has(end.key))) reread = true;
      continue;
    }
    if (change.edge) edges.set(change.id, change.edge);
    else if (!edges.delete(change.id)) continue;
    changed = true;
  }
  if (!changed) return { graph: undefined, reread };
  // The resources a read would list, the ends of the edges it holds: those held in their order, then new ones.
  const touched = new Set([...edges.values()].flatMap((edge) => [edge.source, edge.target]));
  const nodes = new Map([...graph.nodes].filter(([key]) => touched.has(key)));
  const ends = new Map(changes.flatMap((change) => change.ends.map((end) => [end.key, end] as const)));
  for (const key of touched) if (!nodes.has(key)) nodes.set(key, ends.get(key)!);
  return { graph: { nodes, edges, truncated: graph.truncated, readAt: now }, reread };
}
