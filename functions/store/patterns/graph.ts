/**
 * The environment as a graph (docs/api.md, the graph): connections become edges between `type/id`
 * nodes. Whole-environment pages read every shard of the byEnvironment index (or of byStatus, when
 * a status is asked) with listing.ts, live edges first, then (includeDeleted) deleted ones, each
 * group in connection-id order, with no filter expression: a page examines about what it returns
 * (docs/capacity.md), never more than 1,000 items, and its token is a position that holds however
 * the environment's shards grow. The neighbourhood of one resource is in neighbourhood.ts.
 */
import type { GraphQuery } from '#model/inputs.ts';
import { isExpired } from '../connection-item.ts';
import { EDGE_ATTRIBUTES, nodesOf, toEdge } from './graph-edges.ts';
import type { Graph } from '#model/representations.ts';
import { keys, type Liveness } from '../keys.ts';
import { bind } from '../paging/list-plans.ts';
import type { Scope } from '#model/vocabulary.ts';
import { queryPage, type Stream } from '../paging/listing.ts';
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
  const streams = async () => {
    const shardCount = await table.shards.readCount(scope);
    return livenesses.flatMap((liveness, group): Stream[] =>
      keys
        .indexPartitions(index, scope, liveness, { status: query.status, shardCount })
        .map((partition) => ({ index, partition, prefix: '', filters: [], group })),
    );
  };
  const page = await queryPage({ ...table, observe: table.observeQuery }, streams, {
    limit: query.limit ?? DEFAULT_GRAPH_PAGE,
    nextToken: query.nextToken,
    // Sealed to the route, scope and filters: a token from anywhere else does not open (400).
    binding: bind('graph', scope, {
      status: query.status,
      includeDeleted: query.includeDeleted || undefined,
    }),
    attributes: EDGE_ATTRIBUTES,
  });
  const edges = page.items.filter((item) => !isExpired(item)).map(toEdge);
  return { nodes: nodesOf(edges), edges, nextToken: page.nextToken, truncated: false };
}
