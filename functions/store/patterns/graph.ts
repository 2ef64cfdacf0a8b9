/**
 * The environment as a graph (contract §5, GET /graph): connections become edges between
 * `type/id` nodes. Whole-environment pages read the byEnvironment index (or byStatus, when a status
 * is asked), one partition after the other: no filter expression, so a page examines exactly the
 * edges it returns, never more than its limit (at most 1,000). The neighbourhood of one resource is
 * in neighbourhood.ts.
 */
import type { GraphQuery } from '#model/inputs.ts';
import { nodesOf, queryEdges, type GraphSource, type GraphStream } from './graph-edges.ts';
import type { Graph, GraphEdge } from '#model/representations.ts';
import { keys, type Liveness } from '../keys.ts';
import type { Scope } from '#model/vocabulary.ts';
import { readNeighbourhood } from './neighbourhood.ts';
import { openPageToken, sealPageToken, type StreamPosition } from '../page-token.ts';

export const DEFAULT_GRAPH_PAGE = 500;

export function readGraph(source: GraphSource, scope: Scope, query: GraphQuery): Promise<Graph> {
  if (query.resourceType !== undefined && query.resourceId !== undefined) {
    return readNeighbourhood(source, scope, {
      resource: { type: query.resourceType, id: query.resourceId },
      depth: query.depth ?? 1,
      direction: query.direction ?? 'both',
    });
  }
  return readGraphPage(source, scope, query);
}

async function readGraphPage(source: GraphSource, scope: Scope, query: GraphQuery): Promise<Graph> {
  const limit = query.limit ?? DEFAULT_GRAPH_PAGE;
  const livenesses: Liveness[] = query.includeDeleted ? ['LIVE', 'DELETED'] : ['LIVE'];
  const streams = livenesses.map((liveness): GraphStream =>
    query.status
      ? { index: 'byStatus', partition: keys.statusPartition(scope, liveness, query.status) }
      : { index: 'byEnvironment', partition: keys.environmentPartition(scope, liveness) },
  );
  // Sealed to the route, scope and filters: a token from anywhere else does not open (400).
  const binding = JSON.stringify([
    'graph',
    scope.projectSlug,
    scope.environmentSlug,
    query.status ?? null,
    query.includeDeleted ?? false,
  ]);
  const positions: StreamPosition[] = query.nextToken
    ? openPageToken(query.nextToken, binding, streams.length, source.pageTokenSecret)
    : streams.map(() => null);

  const edges: GraphEdge[] = [];
  for (const [i, stream] of streams.entries()) {
    // Live edges first, then deleted ones: the partitions follow each other, each read once.
    while (positions[i] !== true && edges.length < limit) {
      const out = await queryEdges(source, stream, limit - edges.length, positions[i] ?? undefined);
      edges.push(...out.edges);
      positions[i] = out.next ?? true;
    }
  }
  const more = positions.some((position) => position !== true);
  return {
    nodes: nodesOf(edges),
    edges,
    nextToken: more ? sealPageToken(positions, binding, source.pageTokenSecret) : null,
    truncated: false,
  };
}
