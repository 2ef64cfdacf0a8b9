/**
 * Connections as graph edges, for both of the graph's readers (whole-environment pages, graph.ts;
 * neighbourhoods, neighbourhood.ts), which read them with listing.ts's Query builder, asking only
 * for what an edge shows.
 */
import type { GraphEdge, GraphNode } from '#model/representations.ts';
import type { ResourceType, Status } from '#model/vocabulary.ts';

/** The connection attributes an edge needs. */
export const EDGE_ATTRIBUTES = [
  'id',
  'sourceResourceType',
  'sourceResourceId',
  'targetResourceType',
  'targetResourceId',
  'status',
  'version',
  'updatedAt',
  'statusDeadline',
  'deletedAt',
  // Not shown: a deleted edge past its retention is left out (connection-item.ts isExpired).
  'expiresAt',
] as const;

export const nodeKey = (type: string, id: string): string => `${type}/${id}`;

export function toEdge(item: Record<string, unknown>): GraphEdge {
  const edge: GraphEdge = {
    id: String(item.id),
    source: nodeKey(String(item.sourceResourceType), String(item.sourceResourceId)),
    target: nodeKey(String(item.targetResourceType), String(item.targetResourceId)),
    status: item.status as Status,
    version: Number(item.version),
    updatedAt: String(item.updatedAt),
    // Stored before deadlines existed, or deleted: none (as on the connection itself).
    statusDeadline: typeof item.statusDeadline === 'string' ? item.statusDeadline : null,
  };
  return item.deletedAt === undefined ? edge : { ...edge, deletedAt: String(item.deletedAt) };
}

/** The nodes the edges touch, each once, in key order. */
export function nodesOf(edges: readonly GraphEdge[]): GraphNode[] {
  const keysTouched = new Set(edges.flatMap((edge) => [edge.source, edge.target]));
  return [...keysTouched].sort().map((key) => {
    const slash = key.indexOf('/');
    return { key, resourceType: key.slice(0, slash) as ResourceType, resourceId: key.slice(slash + 1) };
  });
}
