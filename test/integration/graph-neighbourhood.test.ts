/**
 * GET /graph, neighbourhood of one resource, against DynamoDB Local. A random graph full of cycles
 * (directed ones too, seeded straight into the table: the store must be exact on any graph, not
 * only on what today's rules allow) is compared with a reference breadth-first search over the
 * seeded data, for several start resources at depths 1 to 3 in each direction. The metered client
 * shows the rounds: calls that depend on earlier answers form a chain no longer than the depth.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { attachMeter, roundsOf } from '../../testkit/meter.ts';
import { connectedLink as connection } from '../../testkit/connections.ts';
import { seedConnections, seededRandom } from '../../testkit/seed.ts';
import type { Connection } from '#model/representations.ts';
import { RESOURCE_TYPES, type ResourceType } from '#model/vocabulary.ts';
import { createDocumentClient } from '#store/client.ts';
import type { Direction } from '#store/patterns/neighbourhood.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { freshScope, pageTokenSecret, tableName, seeder } from '../support/integration.ts';

const metered = createDocumentClient(process.env.DYNAMODB_ENDPOINT);
const meter = attachMeter(metered);
const repo = new ConnectionRepository({ client: metered, tableName, pageTokenSecret });

const key = (type: string, id: string) => `${type}/${id}`;
const sourceOf = (c: Connection) => key(c.sourceResourceType, c.sourceResourceId);
const targetOf = (c: Connection) => key(c.targetResourceType, c.targetResourceId);

/** Reference: the edges a BFS of `depth` hops reaches, and the rounds of queries it needs. */
function reference(edges: readonly Connection[], start: string, depth: number, direction: Direction) {
  const live = edges.filter((c) => c.deletedAt === undefined);
  const distance = new Map([[start, 0]]);
  const reached = new Set<string>();
  let frontier = [start];
  let rounds = 0;
  let queries = 0;
  for (let hop = 1; hop <= depth && frontier.length > 0; hop++) {
    rounds++;
    queries += frontier.length * (direction === 'both' ? 2 : 1);
    const next: string[] = [];
    for (const node of frontier) {
      for (const c of live) {
        const out = direction !== 'in' && sourceOf(c) === node;
        const inward = direction !== 'out' && targetOf(c) === node;
        if (!out && !inward) continue;
        reached.add(c.id);
        const other = out ? targetOf(c) : sourceOf(c);
        if (!distance.has(other)) {
          distance.set(other, hop);
          next.push(other);
        }
      }
    }
    frontier = next;
  }
  return { ids: [...reached].sort(), rounds, queries };
}

describe('on a random graph with cycles', () => {
  const scope = freshScope();
  const rnd = seededRandom(11);
  const nodes: [ResourceType, string][] = Array.from({ length: 24 }, (_, i) => [
    RESOURCE_TYPES[i % RESOURCE_TYPES.length]!,
    `n-${i}`,
  ]);
  const pick = () => nodes[Math.floor(rnd() * nodes.length)]!;
  const edges: Connection[] = [];
  // A directed ring through every node, then random chords (some soft-deleted, which must not count).
  nodes.forEach((node, i) => edges.push(connection(scope, node, nodes[(i + 1) % nodes.length]!)));
  for (let i = 0; i < 30; i++) {
    const [a, b] = [pick(), pick()];
    if (a !== b) edges.push(connection(scope, a, b, i % 5 === 0));
  }
  // A second component that must never appear.
  edges.push(connection(scope, ['application', 'far-1'], ['instance', 'far-2']));

  beforeAll(async () => {
    await seedConnections(seeder, tableName, edges);
  });

  const cases = ['n-0', 'n-5', 'n-13'].flatMap((id) =>
    [1, 2, 3].flatMap((depth) => (['out', 'in', 'both'] as const).map((direction) => [id, depth, direction] as const)),
  );

  it.each(cases)('from %s at depth %d, %s: exactly the reference BFS, in its rounds', async (id, depth, direction) => {
    const start = nodes.find(([, nodeId]) => nodeId === id)!;
    const expected = reference(edges, key(...start), depth, direction);
    meter.reset();

    const graph = await repo.graph({ scope, query: { resourceType: start[0], resourceId: id, depth, direction } });

    expect(graph.edges.map((e) => e.id).sort()).toEqual(expected.ids);
    expect(graph.truncated).toBe(false);
    expect(graph.nextToken).toBeNull();
    const touched = new Set(graph.edges.flatMap((e) => [e.source, e.target]));
    expect(graph.nodes.map((n) => n.key).sort()).toEqual([...touched].sort());
    // Queries only, but for the environment's shard count, which a function reads once in a while.
    const queries = meter.calls.filter((c) => c.operation === 'Query');
    expect(meter.calls.length - queries.length).toBeLessThanOrEqual(1);
    expect(meter.calls.every((c) => c.operation === 'Query' || c.operation === 'GetItem')).toBe(true);
    expect(queries).toHaveLength(expected.queries);
    expect(roundsOf(queries)).toBe(expected.rounds);
    expect(expected.rounds).toBeLessThanOrEqual(depth);
  });

  it('grows with depth: each depth holds the one before', async () => {
    for (const direction of ['out', 'in', 'both'] as const) {
      let previous = new Set<string>();
      for (const depth of [1, 2, 3]) {
        const graph = await repo.graph({
          scope,
          query: { resourceType: nodes[0]![0], resourceId: 'n-0', depth, direction },
        });
        const ids = new Set(graph.edges.map((e) => e.id));
        for (const id of previous) expect(ids.has(id)).toBe(true);
        previous = ids;
      }
    }
  });

  it('answers a resource with no connections with an empty graph in one round', async () => {
    meter.reset();
    const graph = await repo.graph({ scope, query: { resourceType: 'database', resourceId: 'nobody', depth: 3 } });
    expect(graph).toEqual({ nodes: [], edges: [], nextToken: null, truncated: false });
    expect(meter.calls).toHaveLength(2);
  });

  it('defaults to depth 1, both directions', async () => {
    const [type, id] = nodes[5]!;
    const graph = await repo.graph({ scope, query: { resourceType: type, resourceId: id } });
    expect(graph.edges.map((e) => e.id).sort()).toEqual(reference(edges, key(type, id), 1, 'both').ids);
  });
});

describe('past 1,000 edges', () => {
  const scope = freshScope();
  const fans = (hub: string, n: number) =>
    Array.from({ length: n }, (_, i) =>
      connection(scope, ['application', `${hub}-app-${i}`], ['instance', hub], i === 0),
    );
  // One more than its count each: the first is deleted.
  const exact = fans('i-exact', 1001);
  const over = fans('i-over', 1002);
  const beyond = connection(scope, ['instance', 'i-over'], ['database', 'db-1']);

  beforeAll(async () => {
    await seedConnections(seeder, tableName, [...exact, ...over, beyond]);
  }, 180_000);

  it('answers exactly 1,000 edges whole', async () => {
    const graph = await repo.graph({ scope, query: { resourceType: 'instance', resourceId: 'i-exact' } });
    expect(graph.edges).toHaveLength(1000);
    expect(graph.truncated).toBe(false);
    expect(graph.nodes).toHaveLength(1001);
  });

  it('truncates at 1,000 edges, all of them reachable, and says so', async () => {
    meter.reset();
    const graph = await repo.graph({ scope, query: { resourceType: 'instance', resourceId: 'i-over', depth: 3 } });
    expect(graph.edges).toHaveLength(1000);
    expect(graph.truncated).toBe(true);
    const reachable = new Set([...over.slice(1), beyond].map((c) => c.id));
    for (const edge of graph.edges) expect(reachable.has(edge.id)).toBe(true);
    // Truncated in the first hop: no second round.
    expect(roundsOf(meter.calls.filter((c) => c.operation === 'Query'))).toBe(1);
  });

  it('keeps the nearest hops when it truncates', async () => {
    const graph = await repo.graph({
      scope,
      query: {
        resourceType: 'database',
        resourceId: 'db-1',
        depth: 2,
        direction: 'both',
      },
    });
    expect(graph.truncated).toBe(true);
    expect(graph.edges).toHaveLength(1000);
    expect(graph.edges[0]!.id).toBe(beyond.id);
  });
});
