/** The graph the page draws: the API's shapes, the vocabulary, and the simplified view of big graphs. */

// The vocabulary is the service's own, bundled into the page: never restated here.
import { RESOURCE_TYPES, STATUSES, type ResourceType, type Status } from '../../../functions/model/vocabulary.ts';

export { RESOURCE_TYPES, STATUSES, type ResourceType, type Status };
/** What "problems only" keeps: a connection that is not working and not merely waiting. */
export const PROBLEM_STATUSES: readonly Status[] = ['failed', 'connecting', 'disconnected'];

export interface GraphNode {
  readonly key: string;
  readonly resourceType: ResourceType;
  readonly resourceId: string;
}
export interface GraphEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly status: Status;
  readonly version: number;
  readonly updatedAt: string;
}
export interface Graph {
  readonly nodes: Map<string, GraphNode>;
  readonly edges: Map<string, GraphEdge>;
  readonly truncated: boolean;
}

/** Shapes tell the types apart without colour; the legend draws the same shapes. */
export const TYPE_LOOK: Record<ResourceType, { shape: string; color: string; label: string }> = {
  instance: { shape: 'round-rectangle', color: '#2563eb', label: 'instance (server)' },
  application: { shape: 'ellipse', color: '#0d9488', label: 'application' },
  database: { shape: 'barrel', color: '#7c3aed', label: 'database' },
  terminal: { shape: 'rectangle', color: '#475569', label: 'terminal' },
  firewall: { shape: 'octagon', color: '#9a3412', label: 'firewall' },
  storage_bucket: { shape: 'bottom-round-rectangle', color: '#0891b2', label: 'storage bucket' },
  bucket_explorer: { shape: 'round-triangle', color: '#be185d', label: 'bucket explorer' },
  static_website: { shape: 'round-pentagon', color: '#4d7c0f', label: 'static website' },
};

/** Colour and line style both tell the status (and the edge label says it in words when zoomed in). */
export const STATUS_LOOK: Record<Status, { color: string; line: 'solid' | 'dashed' | 'dotted'; width: number }> = {
  pending: { color: '#8b919c', line: 'dotted', width: 1.5 },
  connecting: { color: '#c27c00', line: 'dashed', width: 2 },
  connected: { color: '#2f8f46', line: 'solid', width: 1.5 },
  failed: { color: '#d1242f', line: 'solid', width: 3.5 },
  disconnected: { color: '#6d5a9e', line: 'dashed', width: 2 },
};

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
      (!filters.problemsOnly || PROBLEM_STATUSES.includes(edge.status)) &&
      filters.types.has(typeOf(edge.source)!) &&
      filters.types.has(typeOf(edge.target)!),
  );
}

export function endpointsOf(edges: readonly GraphEdge[]): Set<string> {
  const keys = new Set<string>();
  for (const edge of edges) keys.add(edge.source).add(edge.target);
  return keys;
}

/** Past this many visible resources the page draws groups instead (and says so). */
export const SIMPLIFY_AT = 1000;

export interface DrawnNode {
  readonly id: string;
  readonly resourceType: ResourceType;
  readonly label: string;
  /** Resources in a group; 1 for a single resource. */
  readonly count: number;
}
export interface DrawnEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly status: Status;
  readonly label: string;
  readonly count: number;
}
export interface Drawing {
  readonly nodes: DrawnNode[];
  readonly edges: DrawnEdge[];
  readonly simplified: boolean;
}

export const groupId = (type: ResourceType) => `group:${type}`;

/** One drawn node per resource and one drawn edge per connection. */
export function fullDrawing(graph: Graph, edges: readonly GraphEdge[]): Drawing {
  const nodes = [...endpointsOf(edges)].map((key) => {
    const node = graph.nodes.get(key)!;
    return { id: key, resourceType: node.resourceType, label: node.resourceId, count: 1 };
  });
  const drawn = edges.map((e) => ({ ...e, label: e.status, count: 1 }));
  return { nodes, edges: drawn, simplified: false };
}

/**
 * The simplified picture: every problem connection and its two resources drawn singly; every other
 * resource folded into one node per type, and the other connections into one edge per pair of
 * drawn ends and status, labelled with how many it stands for. No problem edge is ever folded.
 */
export function simplifiedDrawing(graph: Graph, edges: readonly GraphEdge[]): Drawing {
  const single = endpointsOf(edges.filter((e) => PROBLEM_STATUSES.includes(e.status)));
  const nodes = new Map<string, DrawnNode>();
  const drawnEnd = (key: string): string => {
    const node = graph.nodes.get(key)!;
    if (single.has(key)) {
      nodes.set(key, { id: key, resourceType: node.resourceType, label: node.resourceId, count: 1 });
      return key;
    }
    const id = groupId(node.resourceType);
    const group = nodes.get(id);
    nodes.set(id, { id, resourceType: node.resourceType, label: '', count: (group?.count ?? 0) + 1 });
    return id;
  };
  const seen = new Set<string>();
  const folded = new Map<string, DrawnEdge>();
  const drawnEdges: DrawnEdge[] = [];
  for (const edge of edges) {
    const ends = [edge.source, edge.target].map((key) => {
      // A group counts each resource once, however many edges touch it.
      if (seen.has(key)) return single.has(key) ? key : groupId(graph.nodes.get(key)!.resourceType);
      seen.add(key);
      return drawnEnd(key);
    });
    const [source, target] = ends as [string, string];
    if (PROBLEM_STATUSES.includes(edge.status)) {
      drawnEdges.push({ id: edge.id, source, target, status: edge.status, label: edge.status, count: 1 });
      continue;
    }
    const id = `fold:${source}>${target}:${edge.status}`;
    const count = (folded.get(id)?.count ?? 0) + 1;
    folded.set(id, { id, source, target, status: edge.status, label: `${edge.status} ×${count}`, count });
  }
  const groups = [...nodes.values()].map((node) =>
    node.id.startsWith('group:') ? { ...node, label: `${TYPE_LOOK[node.resourceType].label} ×${node.count}` } : node,
  );
  return { nodes: groups, edges: [...drawnEdges, ...folded.values()], simplified: true };
}
