/** The page's pure parts: which edges the filters let through, the overview of big graphs, placement, the fragment. */
import { describe, expect, it } from 'vitest';
import {
  PROBLEM_STATUSES,
  RESOURCE_TYPES,
  STATUSES,
  visibleEdges,
  type Graph,
  type GraphEdge,
  type GraphNode,
  type ResourceType,
  type Status,
} from '../../web/topology/src/model.ts';
import { SLUG_PATTERN } from '#model/inputs.ts';
import { fullDrawing, Hierarchy, OVERVIEW_MAX, overviewDrawing } from '../../web/topology/src/overview.ts';
import { nearPoint, placeNew, type Box } from '../../web/topology/src/placement.ts';
import { fragmentOf, parseFragment, SLUG } from '../../web/topology/src/view-state.ts';

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

describe('the overview', () => {
  // 300 applications on 30 servers behind 3 firewalls; a few connections in trouble.
  const links: [string, string, Status][] = [
    ...servers(300, (i) => (i % 97 === 0 ? 'failed' : i % 89 === 1 ? 'connecting' : 'connected')),
    ...Array.from({ length: 10 }, (_, i): [string, string, Status] => [
      `instance/i-${i}`,
      `firewall/fw-${i % 3}`,
      'connected',
    ]),
  ];
  const graph = graphOf(links);
  const hierarchy = new Hierarchy(graph, [...graph.edges.values()]);
  const options = { budget: 60, perColumn: 20, open: new Set<string>() };
  const overview = overviewDrawing(hierarchy, options);

  it('stays within its budget, and counts every resource and connection exactly once', () => {
    expect(overview.overview).toBe(true);
    expect(overview.nodes.length).toBeLessThanOrEqual(60);
    expect(overview.nodes.reduce((sum, n) => sum + n.count, 0)).toBe(graph.nodes.size);
    const internal = [...graph.edges.values()].filter(
      (e) => overview.drawnOf.get(e.source) === overview.drawnOf.get(e.target),
    ).length;
    expect(overview.edges.reduce((sum, e) => sum + e.count, 0) + internal).toBe(graph.edges.size);
  });

  it('draws the ends of problem connections singly when they are few, and says so on every group', () => {
    const problems = [...graph.edges.values()].filter((e) => PROBLEM_STATUSES.includes(e.status));
    for (const edge of problems) {
      expect(overview.drawnOf.get(edge.source)).toBe(edge.source);
      expect(overview.edges).toContainEqual(expect.objectContaining({ id: edge.id, count: 1 }));
    }
    for (const node of overview.nodes.filter((n) => n.group))
      expect(node.label).toMatch(/no problems|failed|connecting/);
  });

  it('groups by type and by what the resources hang off, and is the same every time', () => {
    const labels = overview.nodes.filter((n) => n.group).map((n) => n.label.split('\n')[0]!);
    expect(labels.some((label) => /applications via fw-\d/.test(label) || /applications on i-\d/.test(label))).toBe(
      true,
    );
    expect(overviewDrawing(new Hierarchy(graph, [...graph.edges.values()]), options)).toEqual(overview);
  });

  it('opens a group the user clicked into its parts, in place of the group, and changes nothing else', () => {
    const group = overview.nodes.find((n) => n.group)!;
    const opened = overviewDrawing(hierarchy, { ...options, open: new Set([...overview.opened, group.id]) });
    expect(opened.nodes.map((n) => n.id)).not.toContain(group.id);
    const parts = opened.nodes.filter((n) => !overview.nodes.some((o) => o.id === n.id));
    expect(parts.reduce((sum, n) => sum + n.count, 0)).toBe(group.count);
  });

  it('finds the groups to open to show one resource', () => {
    const key = 'application/app-123';
    const path = hierarchy.pathTo(key, overview.grouped);
    const shown = overviewDrawing(hierarchy, { ...options, open: new Set(path) });
    expect(shown.drawnOf.get(key)).toBe(key);
  });

  it('never draws more than 150 nodes, whatever is opened', () => {
    const big = graphOf(servers(5000, () => 'connected'));
    const tree = new Hierarchy(big, [...big.edges.values()]);
    const all = new Set<string>();
    for (let round = 0; round < 4; round++)
      for (const node of overviewDrawing(tree, { ...options, open: all }).nodes) if (node.group) all.add(node.id);
    const drawing = overviewDrawing(tree, { ...options, open: all });
    expect(drawing.nodes.length).toBeLessThanOrEqual(OVERVIEW_MAX);
    expect(drawing.capped).toBe(true);
  });

  it('draws one node per resource and one edge per connection when not grouping', () => {
    const full = fullDrawing(hierarchy);
    expect([full.nodes.length, full.edges.length]).toEqual([graph.nodes.size, graph.edges.size]);
  });
});

describe('placing new nodes', () => {
  const fixed: Box[] = [
    { x: 0, y: 0, w: 60, h: 40 },
    { x: 0, y: 60, w: 60, h: 40 },
    { x: 200, y: 30, w: 60, h: 40 },
  ];
  const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

  it('puts each new node on a free spot near where it belongs, never on another, the same every time', () => {
    const fresh = [
      { id: 'a', w: 60, h: 40, near: { x: 30, y: 20 } },
      { id: 'b', w: 60, h: 40, near: { x: 30, y: 20 } },
    ];
    const placed = placeNew(fixed, fresh);
    const boxes = [...fixed, ...[...placed.values()].map((at) => ({ ...at, w: 60, h: 40 }))];
    for (const [i, a] of boxes.entries()) for (const b of boxes.slice(i + 1)) expect(overlap(a, b)).toBe(false);
    expect(Math.hypot(placed.get('a')!.x, placed.get('a')!.y)).toBeLessThan(150);
    expect(placeNew(fixed, fresh)).toEqual(placed);
  });

  it('aims a column left of what a new node connects to', () => {
    const centres = new Map([['instance/i', { x: 500, y: 100 }]]);
    const near = nearPoint('application/a', [{ source: 'application/a', target: 'instance/i' }], centres, undefined);
    expect(near!.x).toBeLessThan(500);
    expect(near!.y).toBe(100);
  });
});

describe('the view in the fragment', () => {
  it('round-trips, and never writes the token', () => {
    const parsed = parseFragment(
      '#project=acme&env=dev&token=secret&focus=instance/i-1&depth=3&dir=in&status=failed,connecting&problems=1&sel=n:instance/i-1&view=table&open=t:application,t:instance',
    );
    const { token, ...view } = parsed;

    expect(token).toBe('secret');
    const again = fragmentOf(view);
    expect(again).not.toContain('secret');
    expect(parseFragment(again)).toEqual({ ...view, token: undefined });
  });

  it('ignores a project or environment that is not a slug, as the service would refuse it', () => {
    expect(SLUG.source).toBe(SLUG_PATTERN.source);
    const view = parseFragment('#project=..&env=dev%2F..&focus=instance/i-1');
    expect([view.project, view.env]).toEqual(['', '']);
    expect(parseFragment('#project=acme&env=dev').project).toBe('acme');
  });

  it('falls back to safe defaults for values it does not know', () => {
    const view = parseFragment('#project=acme&env=dev&depth=9&dir=sideways&status=nonsense');
    expect([view.depth, view.direction, view.statuses.size]).toEqual([1, 'both', 0]);
  });
});
