/**
 * The environment as a graph (contract §5, GET /graph): connections become edges between
 * `type/id` nodes. Whole-environment pages read every shard of the byEnvironment index (or of
 * byStatus, when a status is asked) with listing.ts in `any` order: each shard is read for its part
 * of the page, with no filter expression, so a page examines exactly the edges it returns (never
 * more than its limit, at most 1,000); live edges come before deleted ones. The contract promises
 * no order of edges, so none is paid for. The neighbourhood of one resource is in neighbourhood.ts.
 */
import type { GraphQuery } from '#model/inputs.ts';
import { isExpired } from '../connection-item.ts';
import { EDGE_ATTRIBUTES, nodesOf, toEdge } from './graph-edges.ts';
import type { Graph } from '#model/representations.ts';
import { keys, type Liveness } from '../keys.ts';
import { bind } from '../list-plans.ts';
import type { Scope } from '#model/vocabulary.ts';
import { queryPage, type Stream } from '../listing.ts';
import { readNeighbourhood } from './neighbourhood.ts';
import type { StoreTable } from './table.ts';

export const DEFAULT_GRAPH_PAGE = 500;

export function readGraph(table: StoreTable, scope: Scope, query: GraphQuery): Promise<Graph> {
  if (query.resourceType !== undefined && query.resourceId !== undefined) {
    return readNeighbourhood(table, scope, {
      resource: { type: query.resourceType, id: query.resourceId },
      depth: query.depth ?? 1,
      direction: query.direction ?? 'both',
    });
  }
  return readGraphPage(table, scope, query);
}

async function readGraphPage(table: StoreTable, scope: Scope, query: GraphQuery): Promise<Graph> {
  const livenesses: Liveness[] = query.includeDeleted ? ['LIVE', 'DELETED'] : ['LIVE'];
  const index = query.status ? 'byStatus' : 'byEnvironment';
  const streams = livenesses.flatMap((liveness, group): Stream[] =>
    keys
      .indexPartitions(index, scope, liveness, { status: query.status, shardCount: table.layout.shardCount })
      .map((partition) => ({ index, partition, prefix: '', filters: [], group })),
  );
  const page = await queryPage({ ...table, observe: table.observeQuery }, streams, {
    limit: query.limit ?? DEFAULT_GRAPH_PAGE,
    nextToken: query.nextToken,
    // Sealed to the route, scope and filters: a token from anywhere else does not open (400).
    binding: bind('graph', scope, table.layout, {
      status: query.status,
      includeDeleted: query.includeDeleted || undefined,
    }),
    order: 'any',
    attributes: EDGE_ATTRIBUTES,
  });
  const edges = page.items.filter((item) => !isExpired(item)).map(toEdge);
  return { nodes: nodesOf(edges), edges, nextToken: page.nextToken, truncated: false };
}
