/** The page's pure parts: which edges the filters let through, and the simplified drawing of big graphs. */
import { describe, expect, it } from 'vitest';
import {
  fullDrawing,
  PROBLEM_STATUSES,
  RESOURCE_TYPES,
  simplifiedDrawing,
  STATUSES,
  visibleEdges,
  type Graph,
  type GraphEdge,
  type GraphNode,
  type ResourceType,
  type Status,
} from '../../web/topology/src/model.ts';
import { fragmentOf, parseFragment } from '../../web/topology/src/view-state.ts';

function graphOf(links: [string, string, Status][]): Graph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  links.forEach(([source, target, status], i) => {
    for (const key of [source, target]) {
      const [resourceType, resourceId] = key.split('/') as [ResourceType, string];
      nodes.set(key, { key, resourceType, resourceId });
    }
    edges.set(`c${i}`, { id: `c${i}`, source, target, status, version: 1, updatedAt: '2026-12-01T00:00:00.000Z' });
  });
  return { nodes, edges, truncated: false };
}

const all = { statuses: new Set(STATUSES), types: new Set(RESOURCE_TYPES), problemsOnly: false };
const servers = (n: number, status: (i: number) => Status): [string, string, Status][] =>
  Array.from({ length: n }, (_, i) => [`application/app-${i}`, `instance/i-${i % 10}`, status(i)]);

describe('visibleEdges', () => {
  const graph = graphOf([
    ['application/a', 'instance/i', 'connected'],
    ['terminal/t', 'instance/i', 'failed'],
    ['instance/i', 'database/d', 'pending'],
  ]);

  it('keeps the statuses asked for, and under "problems only" only failed, connecting and disconnected', () => {
    expect(visibleEdges(graph, { ...all, statuses: new Set<Status>(['failed', 'pending']) }).map((e) => e.id)).toEqual([
      'c1',
      'c2',
    ]);
    expect(visibleEdges(graph, { ...all, problemsOnly: true }).map((e) => e.id)).toEqual(['c1']);
  });

  it('drops an edge when either end is of a type filtered out', () => {
    const types = new Set<ResourceType>(RESOURCE_TYPES.filter((type) => type !== 'database'));
    expect(visibleEdges(graph, { ...all, types }).map((e) => e.id)).toEqual(['c0', 'c1']);
  });
});

describe('simplifiedDrawing', () => {
  const graph = graphOf(servers(300, (i) => (i % 50 === 0 ? 'failed' : i % 60 === 1 ? 'connecting' : 'connected')));
  const drawing = simplifiedDrawing(graph, [...graph.edges.values()]);

  it('draws every problem edge singly, between single resources', () => {
    const problems = [...graph.edges.values()].filter((e) => PROBLEM_STATUSES.includes(e.status));
    for (const edge of problems) {
      expect(drawing.edges).toContainEqual(
        expect.objectContaining({ id: edge.id, source: edge.source, target: edge.target, count: 1 }),
      );
    }
  });

  it('folds the rest into groups and edges that count every resource and connection exactly once', () => {
    const singles = drawing.nodes.filter((n) => !n.id.startsWith('group:')).length;
    const grouped = drawing.nodes.filter((n) => n.id.startsWith('group:')).reduce((sum, n) => sum + n.count, 0);
    expect(singles + grouped).toBe(graph.nodes.size);
    expect(drawing.edges.reduce((sum, e) => sum + e.count, 0)).toBe(graph.edges.size);
    expect(drawing.nodes.length).toBeLessThan(graph.nodes.size / 5);
  });

  it('draws one node per resource and one edge per connection when not simplifying', () => {
    const full = fullDrawing(graph, [...graph.edges.values()]);
    expect([full.nodes.length, full.edges.length]).toEqual([graph.nodes.size, graph.edges.size]);
  });
});

describe('the view in the fragment', () => {
  it('round-trips, and never writes the token', () => {
    const parsed = parseFragment(
      '#project=acme&env=dev&token=secret&focus=instance/i-1&depth=3&dir=in&status=failed,connecting&problems=1&sel=n:instance/i-1&view=table',
    );
    const { token, ...view } = parsed;

    expect(token).toBe('secret');
    const again = fragmentOf(view);
    expect(again).not.toContain('secret');
    expect(parseFragment(again)).toEqual({ ...view, token: undefined });
  });

  it('falls back to safe defaults for values it does not know', () => {
    const view = parseFragment('#project=acme&env=dev&depth=9&dir=sideways&status=nonsense');
    expect([view.depth, view.direction, view.statuses.size]).toEqual([1, 'both', 0]);
  });
});
