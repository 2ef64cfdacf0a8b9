/** The graph the page draws: the API's shapes (from the typed client), the vocabulary, and the filters. */

// The vocabulary is the service's own, bundled into the page: never restated here.
import { RESOURCE_TYPES, STATUSES, type ResourceType, type Status } from '../../../functions/model/vocabulary.ts';
import type { GraphEdge, GraphNode } from '../../../client/src/client.ts';
// Drawn as the CLI's DOT and Mermaid draw it.
import { STATUS_LOOK } from '../../../client/src/status-look.ts';

export { RESOURCE_TYPES, STATUSES, STATUS_LOOK, type ResourceType, type Status, type GraphEdge, type GraphNode };
/** Statuses "problems only" keeps whatever the deadline: not working, or not settled yet. */
export const PROBLEM_STATUSES: readonly Status[] = ['failed', 'connecting', 'disconnected'];
/** A waiting connection this close to its deadline, or past it, fails unless someone acts. */
export const DEADLINE_NEAR_MS = 60_000;

/** Whether a pending or connecting connection is past its deadline or within a minute of it, at `now`. */
export const nearDeadline = (edge: Pick<GraphEdge, 'statusDeadline'>, now: number): boolean =>
  edge.statusDeadline != null && Date.parse(edge.statusDeadline) - now <= DEADLINE_NEAR_MS;

/** What "problems only" keeps: a connection in a problem status, or one about to fail by its deadline. */
export const isProblem = (edge: Pick<GraphEdge, 'status' | 'statusDeadline'>, now: number): boolean =>
  PROBLEM_STATUSES.includes(edge.status) || nearDeadline(edge, now);

/** Every page of the environment (or one neighbourhood), merged by key. */
export interface Graph {
  readonly nodes: Map<string, GraphNode>;
  readonly edges: Map<string, GraphEdge>;
  readonly truncated: boolean;
  /**
   * When it was read (epoch ms, this browser's clock): deadlines are judged against it, so one read
   * always gives the same picture; auto-refresh judges them again with every read.
   */
  readonly readAt: number;
}

/** Shapes tell the types apart without colour; the legend draws the same shapes. */
export const TYPE_LOOK: Record<ResourceType, { shape: string; color: string; label: string; plural: string }> = {
  instance: { shape: 'round-rectangle', color: '#2563eb', label: 'instance (server)', plural: 'instances' },
  application: { shape: 'ellipse', color: '#0d9488', label: 'application', plural: 'applications' },
  database: { shape: 'barrel', color: '#7c3aed', label: 'database', plural: 'databases' },
  terminal: { shape: 'rectangle', color: '#475569', label: 'terminal', plural: 'terminals' },
  firewall: { shape: 'octagon', color: '#9a3412', label: 'firewall', plural: 'firewalls' },
  storage_bucket: { shape: 'bottom-round-rectangle', color: '#0891b2', label: 'storage bucket', plural: 'buckets' },
  bucket_explorer: {
    shape: 'round-triangle',
    color: '#be185d',
    label: 'bucket explorer',
    plural: 'bucket explorers',
  },
  static_website: { shape: 'round-pentagon', color: '#4d7c0f', label: 'static website', plural: 'static websites' },
};

/**
 * Worst first: broken, then not settled yet (connecting before pending), then taken down, then
 * working. Bundles, group rings, counts and the panel list statuses in this order.
 */
export const SEVERITY: readonly Status[] = ['failed', 'connecting', 'pending', 'disconnected', 'connected'];

export interface Filters {
  readonly statuses: ReadonlySet<Status>;
  readonly types: ReadonlySet<ResourceType>;
  readonly problemsOnly: boolean;
}

/** The edges the filters let through; a node shows when one of its edges does. */
export function visibleEdges(graph: Graph, filters: Filters): GraphEdge[] {
  const typeOf = (key: string) => graph.nodes.get(key)?.resourceType;
  return [...graph.edges.values()].filter(
    (edge) =>
      filters.statuses.has(edge.status) &&
      (!filters.problemsOnly || isProblem(edge, graph.readAt)) &&
      filters.types.has(typeOf(edge.source)!) &&
      filters.types.has(typeOf(edge.target)!),
  );
}

export function endpointsOf(edges: readonly GraphEdge[]): Set<string> {
  const keys = new Set<string>();
  for (const edge of edges) keys.add(edge.source).add(edge.target);
  return keys;
}

/** "instance/i-1" → ["instance", "i-1"]: a resource id holds no slash, a key exactly one. */
export function splitKey(key: string): [ResourceType, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash) as ResourceType, key.slice(slash + 1)];
}

/** Counts by status, worst first, zeros left out. */
export function breakdown(statuses: Iterable<Status>): [Status, number][] {
  const counts = new Map<Status, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return SEVERITY.filter((status) => counts.has(status)).map((status) => [status, counts.get(status)!]);
}
