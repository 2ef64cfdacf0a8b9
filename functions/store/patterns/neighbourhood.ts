/**
 * The neighbourhood of one resource (docs/api.md, the graph: `resourceType` + `resourceId`): every
 * live connection reachable from it within `depth` hops, by a breadth-first search with a visited
 * set, so depth is exact on graphs with cycles. A hop is a round of parallel Queries: for each node
 * first reached in the previous hop, its range of the bySource index (`out`), of the byTarget index
 * (`in`), or both (`both`: each hop follows connections either way); a node's connections on one
 * side sit in the shards the node has had (one while its environment has one shard), one Query
 * each. Nodes are queried once each, so a depth-d neighbourhood costs d rounds (a range longer than
 * its share of the budget takes another).
 *
 * Its work is bounded (docs/api.md): at most NEIGHBOURHOOD_BUDGET.items stored items examined and
 * NEIGHBOURHOOD_BUDGET.queries Queries sent, nearest hops first. What a budget stops answers what
 * was reached with `truncated: true`, as does an answer of more than MAX_GRAPH_EDGES edges.
 */
import { MAX_GRAPH_EDGES, type GRAPH_DIRECTIONS } from '#model/inputs.ts';
import { EDGE_ATTRIBUTES, nodeKey, nodesOf, toEdge } from './graph-edges.ts';
import type { Graph, GraphEdge } from '#model/representations.ts';
import { keys } from '../keys.ts';
import { queryRange, type Stream } from '../paging/query-range.ts';
import { endOf, keyAfter } from '../paging/key-space.ts';
import type { ResourceRef, Scope } from '#model/vocabulary.ts';
import type { StoreTable } from './table.ts';

export type Direction = (typeof GRAPH_DIRECTIONS)[number];

export interface NeighbourhoodRequest {
  readonly resource: ResourceRef;
  /** Hops from the resource: 1 to 3. */
  readonly depth: number;
  readonly direction: Direction;
}

/** What one neighbourhood request may cost at most (docs/api.md). */
export const NEIGHBOURHOOD_BUDGET = { items: 2000, queries: 256 } as const;

/** Queries in flight at once: well under the SDK's 50 sockets per client. */
const QUERY_PARALLELISM = 32;

const SIDES = {
  out: ['bySource'],
  in: ['byTarget'],
  both: ['bySource', 'byTarget'],
} as const;

/** One node's range on one side, and where its reading stands. */
interface Range {
  readonly stream: Stream;
  from: string | null;
  finished: boolean;
  readonly edges: GraphEdge[];
}

export async function readNeighbourhood(
  table: StoreTable,
  scope: Scope,
  { resource, depth, direction }: NeighbourhoodRequest,
): Promise<Graph> {
  const budget = { ...NEIGHBOURHOOD_BUDGET };
  const visited = new Set([nodeKey(resource.type, resource.id)]);
  let frontier: ResourceRef[] = [resource];
  const edges = new Map<string, GraphEdge>();
  let truncated = false;
  const shardCount = await table.shards.readCount(scope);

  for (let hop = 1; hop <= depth && frontier.length > 0 && !truncated; hop++) {
    const ranges = frontier.flatMap((node) =>
      SIDES[direction].flatMap((index) =>
        keys.resourcePartitions(scope, 'LIVE', node, shardCount).map((partition): Range => ({
          stream: { index, partition, prefix: keys.resourcePrefix(node.type, node.id), filters: [] },
          from: null,
          finished: false,
          edges: [],
        })),
      ),
    );
    const cut = await readHop(table, ranges, new Set(edges.keys()), MAX_GRAPH_EDGES - edges.size, budget);
    const next: ResourceRef[] = [];
    for (const edge of ranges.flatMap((range) => range.edges)) {
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
    truncated ||= cut;
    frontier = next;
  }
  const list = [...edges.values()];
  return { nodes: nodesOf(list), edges: list, nextToken: null, truncated };
}

/**
 * Reads a hop's ranges in rounds: each unfinished range once per round, for a fair share of what
 * the budget has left, until every range is read or the hop holds more new edges than there is
 * room for (then the answer is truncated whatever the rest hold). Answers whether a budget cut the
 * hop short.
 */
async function readHop(
  table: StoreTable,
  ranges: Range[],
  known: ReadonlySet<string>,
  room: number,
  budget: { items: number; queries: number },
): Promise<boolean> {
  const fresh = new Set<string>();
  for (;;) {
    const open = ranges.filter((range) => !range.finished);
    if (open.length === 0 || fresh.size > room) return false;
    // Nearest first: the ranges the budget cannot reach are the last of this hop.
    const affordable = open.slice(0, budget.queries);
    const share = Math.min(room + 1 - fresh.size, Math.floor(budget.items / affordable.length));
    if (affordable.length === 0 || share < 1) return true;
    budget.queries -= affordable.length;
    budget.items -= share * affordable.length;
    await inParallel(affordable, async (range) => {
      const out = await queryRange({ ...table, observe: table.observeQuery }, range.stream, {
        from: range.from,
        upper: endOf(range.stream.prefix),
        limit: share,
        attributes: EDGE_ATTRIBUTES,
      });
      budget.items += share - out.scanned;
      for (const row of out.rows) {
        const edge = toEdge(row);
        range.edges.push(edge);
        if (!known.has(edge.id)) fresh.add(edge.id);
      }
      range.from = out.last === undefined ? null : keyAfter(out.last);
      range.finished = out.last === undefined;
    });
    if (affordable.length < open.length && fresh.size <= room) return true;
  }
}

/**
 * Runs `work` over every item, at most QUERY_PARALLELISM at once. Unbounded, a hop of a thousand
 * nodes would queue its Queries behind the client's sockets, where their connection timers run
 * out before they are sent.
 */
async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(QUERY_PARALLELISM, items.length) }, worker));
}

function refOf(key: string): ResourceRef {
  const slash = key.indexOf('/');
  return { type: key.slice(0, slash) as ResourceRef['type'], id: key.slice(slash + 1) };
}
