/**
 * The neighbourhood of one resource (contract §5, GET /graph with resourceType + resourceId): every
 * live connection reachable from it within `depth` hops, by a breadth-first search with a visited
 * set, so depth is exact on graphs with cycles. A hop is one round of parallel Queries: for
 * each node first reached in the previous hop, its range of the bySource index (`out`), of the
 * byTarget index (`in`), or both (`both`: each hop follows connections either way). Nodes are
 * queried once each, so a depth-d neighbourhood costs at most d rounds.
 */
import { MAX_GRAPH_EDGES, type GRAPH_DIRECTIONS } from '#model/inputs.ts';
import { nodeKey, nodesOf, queryEdges, type GraphSource, type GraphStream } from './graph-edges.ts';
import type { Graph, GraphEdge } from '#model/representations.ts';
import { keys } from '../keys.ts';
import type { ResourceRef, Scope } from '#model/vocabulary.ts';
import type { StreamKey } from '../page-token.ts';

export type Direction = (typeof GRAPH_DIRECTIONS)[number];

export interface NeighbourhoodRequest {
  readonly resource: ResourceRef;
  /** Hops from the resource: 1 to 3. */
  readonly depth: number;
  readonly direction: Direction;
}

/** Queries in flight at once: well under the SDK's 50 sockets per client. */
const QUERY_PARALLELISM = 32;

const SIDES = {
  out: ['bySource'],
  in: ['byTarget'],
  both: ['bySource', 'byTarget'],
} as const;

export async function readNeighbourhood(
  source: GraphSource,
  scope: Scope,
  { resource, depth, direction }: NeighbourhoodRequest,
): Promise<Graph> {
  const partition = keys.environmentPartition(scope, 'LIVE');
  const visited = new Set([nodeKey(resource.type, resource.id)]);
  let frontier: ResourceRef[] = [resource];
  const edges = new Map<string, GraphEdge>();
  let truncated = false;

  for (let hop = 1; hop <= depth && frontier.length > 0 && !truncated; hop++) {
    const known = new Set(edges.keys());
    const room = MAX_GRAPH_EDGES - edges.size;
    const ranges = frontier.flatMap((node) =>
      SIDES[direction].map((index) => ({ index, partition, prefix: keys.resourcePrefix(node.type, node.id) })),
    );
    const found = await inParallel(ranges, (range) => incidentEdges(source, range, known, room));
    const next: ResourceRef[] = [];
    for (const edge of found.flat()) {
      if (edges.has(edge.id)) continue; // met from both of its ends in this hop
      if (edges.size === MAX_GRAPH_EDGES) {
        truncated = true;
        break;
      }
      edges.set(edge.id, edge);
      for (const key of [edge.source, edge.target]) {
        if (visited.has(key)) continue;
        visited.add(key);
        next.push(refOf(key));
      }
    }
    frontier = next;
  }
  const list = [...edges.values()];
  return { nodes: nodesOf(list), edges: list, nextToken: null, truncated };
}

/**
 * One node's connections on one side. It reads until its range ends, or until it holds more edges
 * than the neighbourhood has room for: then the neighbourhood is truncated whatever the other nodes
 * hold (their union is at least as large), so reading on would buy nothing.
 */
async function incidentEdges(
  source: GraphSource,
  stream: GraphStream,
  known: ReadonlySet<string>,
  room: number,
): Promise<GraphEdge[]> {
  const edges: GraphEdge[] = [];
  let fresh = 0;
  let start: StreamKey | undefined;
  do {
    const out = await queryEdges(source, stream, room + 1, start);
    edges.push(...out.edges);
    fresh += out.edges.filter((edge) => !known.has(edge.id)).length;
    start = out.next;
  } while (start !== undefined && fresh <= room);
  return edges;
}

/**
 * Runs `work` over every item, at most QUERY_PARALLELISM at once, answers in item order. Unbounded,
 * a hop of a thousand nodes would queue its Queries behind the client's sockets, where their
 * connection timers run out before they are sent.
 */
async function inParallel<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(QUERY_PARALLELISM, items.length) }, worker));
  return results;
}

function refOf(key: string): ResourceRef {
  const slash = key.indexOf('/');
  return { type: key.slice(0, slash) as ResourceRef['type'], id: key.slice(slash + 1) };
}
