/**
 * The page's pure parts: which edges the filters let through (deadlines included), the overview of
 * big graphs, placement, the fragment, and how times read.
 */
import { describe, expect, it } from 'vitest';
import {
  isProblem,
  PROBLEM_STATUSES,
  RESOURCE_TYPES,
  STATUSES,
  visibleEdges,
  type Graph,
  type ResourceType,
  type Status,
} from '../../web/topology/src/model.ts';
import { SLUG_PATTERN } from '#model/inputs.ts';
import { Hierarchy } from '../../web/topology/src/hierarchy.ts';
import { fullDrawing, OVERVIEW_MAX, overviewDrawing } from '../../web/topology/src/overview.ts';
import { nearPoint, placeNew, type Box } from '../../web/topology/src/placement.ts';
import { fragmentOf, parseFragment, SLUG } from '../../web/topology/src/view-state.ts';
import { relativeTime } from '../../web/topology/src/times.ts';
import { at, graphOf, READ_AT, type Link } from '../../testkit/topology-data.ts';

const all = { statuses: new Set(STATUSES), types: new Set(RESOURCE_TYPES), problemsOnly: false };
const overviewOptions = { budget: 60, perColumn: 20, open: new Set<string>() };
const servers = (n: number, status: (i: number) => Status): Link[] =>
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

describe('"problems only" and deadlines', () => {
  const graph = graphOf([
    ['application/a', 'instance/i', 'pending', 3600],
    ['application/b', 'instance/i', 'pending', 61],
    ['application/c', 'instance/i', 'pending', 60],
    ['application/d', 'instance/i', 'pending', 5],
    ['application/e', 'instance/i', 'pending', -90],
    ['terminal/t', 'instance/i', 'connecting', 600],
    ['terminal/u', 'instance/i', 'connecting', 30],
    ['instance/i', 'database/db', 'connected'],
    // Stored before deadlines existed: none to judge by.
    ['instance/i', 'firewall/fw', 'pending'],
  ]);
  const problems = (g: Graph) => visibleEdges(g, { ...all, problemsOnly: true }).map((e) => e.id);

  it('keeps a waiting connection within a minute of its deadline or past it, and connecting ones whatever their deadline', () => {
    expect(problems(graph)).toEqual(['c2', 'c3', 'c4', 'c5', 'c6']);
  });

  it('judges deadlines against the time the graph was read: the same read, the same picture; a later read, more', () => {
    expect(problems(graph)).toEqual(problems(graph));
    expect(problems({ ...graph, readAt: READ_AT + 2 * 60_000 })).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    expect(isProblem(graph.edges.get('c0')!, READ_AT + 3540_000)).toBe(true);
    expect(isProblem(graph.edges.get('c0')!, READ_AT + 3539_000)).toBe(false);
  });

  it('still lets the status filter decide: a near deadline does not bring back a status filtered out', () => {
    const statuses = new Set<Status>(['connecting', 'connected']);
    expect(visibleEdges(graph, { ...all, statuses, problemsOnly: true }).map((e) => e.id)).toEqual(['c5', 'c6']);
  });

  it('draws the ends of a connection near its deadline singly in an overview when they are few', () => {
    const big = graphOf([...servers(300, () => 'connected'), ['application/app-late', 'instance/i-3', 'pending', 20]]);
    const drawing = overviewDrawing(new Hierarchy(big, [...big.edges.values()]), overviewOptions);
    for (const key of ['application/app-late', 'instance/i-3']) expect(drawing.drawnOf.get(key)).toBe(key);
  });

  it('counts the connections near their deadline on every group of an overview', () => {
    // Too many to pull out: every tenth application's connection is pending, 30 s from its deadline.
    const big = graphOf(
      servers(300, (i) => (i % 10 === 0 ? 'pending' : 'connected')).map(([s, t, status]): Link => [
        s,
        t,
        status,
        status === 'pending' ? 30 : undefined,
      ]),
    );
    const drawing = overviewDrawing(new Hierarchy(big, [...big.edges.values()]), overviewOptions);
    const groups = drawing.nodes.filter((n) => n.group);
    const near = (group: string) => {
      const members = new Set([...drawing.drawnOf].filter(([, drawn]) => drawn === group).map(([key]) => key));
      return [...big.edges.values()].filter(
        (e) => e.status === 'pending' && (members.has(e.source) || members.has(e.target)),
      ).length;
    };
    expect(groups.some((g) => near(g.id) > 0)).toBe(true);
    for (const group of groups) {
      const line = group.label.split('\n')[1]!;
      if (near(group.id) > 0) expect(line).toContain(`${near(group.id)} near deadline`);
      else expect(line).not.toContain('near deadline');
    }
  });
});

describe('relative times', () => {
  const now = READ_AT;
  it.each([
    [0, 'now'],
    [40, 'in 40 s'],
    [-59, '59 s ago'],
    [4 * 60 + 10, 'in 4 min'],
    [-3 * 60, '3 min ago'],
    [59 * 60 + 50, 'in 1 h'],
    [-5 * 3600, '5 h ago'],
    [47 * 3600, 'in 47 h'],
    [7 * 86400, 'in 7 d'],
  ])('%i s from now reads "%s"', (seconds, words) => {
    expect(relativeTime(at(seconds), now)).toBe(words);
  });
});

describe('the overview', () => {
  // 300 applications on 30 servers behind 3 firewalls; a few connections in trouble.
  const links: Link[] = [
    ...servers(300, (i) => (i % 97 === 0 ? 'failed' : i % 89 === 1 ? 'connecting' : 'connected')),
    ...Array.from({ length: 10 }, (_, i): Link => [`instance/i-${i}`, `firewall/fw-${i % 3}`, 'connected']),
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
      expect(overview.edges).toContainEqual(
        expect.objectContaining({ id: edge.id, count: 1, statuses: [[edge.status, 1]] }),
      );
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

  it('opens a group the user clicked (and the groups it is in) into its parts, drawn in its place', () => {
    const group = overview.nodes.find((n) => n.group && n.id.includes('|'))!;
    const path = group.id.split('|').map((_, i, ids) => ids.slice(0, i + 1).join('|'));
    const opened = overviewDrawing(hierarchy, { ...options, open: new Set(path) });
    expect(opened.nodes.map((n) => n.id)).not.toContain(group.id);
    const members = [...overview.drawnOf].filter(([, drawn]) => drawn === group.id).map(([key]) => key);
    const parts = new Set(members.map((key) => opened.drawnOf.get(key)!));
    for (const part of parts) expect(members.includes(part) || part.startsWith(`${group.id}|`), part).toBe(true);
    expect(parts.size).toBeGreaterThan(1);
  });

  it('finds the groups to open to show one resource, their other parts drawn in runs around it when room is short', () => {
    const key = 'application/app-123';
    // As selecting it does: the groups that hold it, and itself.
    const open = new Set([...hierarchy.pathTo(key, overview.grouped), key]);
    const shown = overviewDrawing(hierarchy, { budget: 16, perColumn: 8, open });
    expect(shown.drawnOf.get(key)).toBe(key);
    expect(shown.nodes.length).toBeLessThanOrEqual(16);
    expect(shown.nodes.some((node) => node.id.includes('|n:'))).toBe(true);
    // With no room at all, the group stays closed and the drawing says so.
    const tight = overviewDrawing(hierarchy, { budget: 6, perColumn: 1, open });
    expect(tight.drawnOf.get(key)).not.toBe(key);
    expect(tight.capped).toBe(true);
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
