/**
 * What the topology page draws when connections are drawn together: every status inside a bundle
 * or a group kept and counted (worst first), runs of parts when a group has more parts than room,
 * the rings' slices, separate parts packed to the window's shape, and the summary of what is shown.
 */
import { describe, expect, it } from 'vitest';
import { graphOf, type Link } from '../../testkit/topology-data.ts';
import { ringShares } from '../../web/topology/src/graph-style.ts';
import { Hierarchy, isGroup } from '../../web/topology/src/hierarchy.ts';
import { RESOURCE_TYPES, SEVERITY, STATUSES, visibleEdges, type Status } from '../../web/topology/src/model.ts';
import { overviewDrawing } from '../../web/topology/src/overview.ts';
import { pack } from '../../web/topology/src/packing.ts';
import { summary } from '../../web/topology/src/summary.ts';

const statusOf = (i: number): Status => (i % 50 === 0 ? 'failed' : i % 25 === 1 ? 'disconnected' : 'connected');
/** 400 applications on 40 servers, behind 4 firewalls; a few failed or disconnected, too many to draw singly. */
const links: Link[] = [
  ...Array.from({ length: 400 }, (_, i): Link => [`application/app-${i}`, `instance/i-${i % 40}`, statusOf(i)]),
  ...Array.from({ length: 40 }, (_, i): Link => [`instance/i-${i}`, `firewall/fw-${i % 4}`, 'connected']),
];
const graph = graphOf(links);
const everything = { statuses: new Set(STATUSES), types: new Set(RESOURCE_TYPES), problemsOnly: false };

describe('connections drawn together', () => {
  const hierarchy = new Hierarchy(graph, [...graph.edges.values()]);
  const drawing = overviewDrawing(hierarchy, { budget: 10, perColumn: 4, open: new Set() });

  it('keeps every status inside a bundle, worst first, with its count', () => {
    const bundles = drawing.edges.filter((edge) => edge.count > 1);
    expect(bundles.length).toBeGreaterThan(0);
    for (const bundle of bundles) {
      const inside = [...graph.edges.values()].filter(
        (e) => drawing.drawnOf.get(e.source) === bundle.source && drawing.drawnOf.get(e.target) === bundle.target,
      );
      const counted = SEVERITY.flatMap((status) => {
        const n = inside.filter((e) => e.status === status).length;
        return n ? [[status, n]] : [];
      });
      expect(bundle.statuses).toEqual(counted);
    }
    expect(bundles.some((bundle) => bundle.statuses[0]![0] === 'failed' && bundle.statuses.length > 1)).toBe(true);
  });

  it('counts the troubles of every group on its label, and every status for its ring', () => {
    for (const group of drawing.nodes.filter((node) => node.group)) {
      const counts = Object.fromEntries(group.statuses);
      for (const status of ['failed', 'disconnected'] as const)
        if (counts[status]) expect(group.label).toContain(`${counts[status]} ${status}`);
      expect(group.statuses.reduce((sum, [, n]) => sum + n, 0)).toBeGreaterThan(0);
    }
  });

  it('orders statuses worst first: failed, then connecting and pending, then disconnected, then connected', () => {
    expect(SEVERITY).toEqual(['failed', 'connecting', 'pending', 'disconnected', 'connected']);
  });
});

describe("a group's ring", () => {
  it('gives every status present a slice big enough to see, and adds up to the whole ring', () => {
    const shares = ringShares([
      ['failed', 1],
      ['pending', 3],
      ['connected', 996],
    ]);
    expect(shares.reduce((sum, share) => sum + share, 0)).toBeCloseTo(100);
    const by = (status: Status) => shares[SEVERITY.indexOf(status)]!;
    expect(by('failed')).toBeGreaterThanOrEqual(8);
    expect(by('pending')).toBeGreaterThanOrEqual(8);
    expect(by('connecting')).toBe(0);
    expect(by('connected')).toBeGreaterThan(by('failed'));
  });
});

describe('a group with more parts than room', () => {
  const hierarchy = new Hierarchy(graph, [...graph.edges.values()]);
  const applications = hierarchy.typeGroups().find((group) => group.type === 'application')!;

  it('opens as runs of its parts, each a group holding whole parts, the same every time', () => {
    const parts = hierarchy.children(applications);
    expect(parts.length).toBeGreaterThan(3);
    const runs = hierarchy.partsOf(applications, 3);
    expect(runs.length).toBeLessThanOrEqual(3);
    expect(runs.flatMap((run) => (isGroup(run) ? run.members : [run])).sort()).toEqual(
      [...applications.members].sort(),
    );
    expect(hierarchy.partsOf(applications, 3)).toEqual(runs);
    const run = runs.find(isGroup)!;
    expect(run.qualifier).toMatch(/^via fw-\d+ … fw-\d+$/);
    expect(hierarchy.children(run).every((part) => isGroup(part) && part.level === 'root')).toBe(true);
  });

  it('opens the run that holds a group the user opened, so a shared link reopens the same picture', () => {
    const inner = hierarchy.children(applications).find(isGroup)!;
    const open = new Set([applications.id, inner.id]);
    const drawing = overviewDrawing(new Hierarchy(graph, [...graph.edges.values()]), {
      budget: 12,
      perColumn: 4,
      open,
    });
    const ids = drawing.nodes.map((node) => node.id);
    expect(ids).not.toContain(inner.id);
    // The applications opened as runs (no room for all four firewalls' groups), the run holding `inner` too.
    expect(ids.some((id) => id.startsWith(`${applications.id}|n:`))).toBe(true);
    expect(ids.some((id) => id.startsWith(`${inner.id}|`))).toBe(true);
    expect(
      overviewDrawing(new Hierarchy(graph, [...graph.edges.values()]), { budget: 12, perColumn: 4, open }),
    ).toEqual(drawing);
  });
});

describe('packing separate parts', () => {
  const parts = Array.from({ length: 9 }, (_, i) => ({ id: `p${i}`, w: 200 + 10 * i, h: 100 + 30 * (i % 4) }));
  const overlap = (a: { x: number; y: number; w: number; h: number }, b: typeof a) =>
    a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

  it.each([
    ['a wide window', { width: 1600, height: 500 }],
    ['a tall window', { width: 500, height: 1600 }],
  ])('places no two parts on each other, and takes the shape of %s', (_, area) => {
    const packed = pack(parts, area, 20);
    const boxes = parts.map((p) => ({ ...packed.at.get(p.id)!, w: p.w, h: p.h }));
    for (const [i, a] of boxes.entries()) for (const b of boxes.slice(i + 1)) expect(overlap(a, b)).toBe(false);
    for (const box of boxes) {
      expect(box.x + box.w).toBeLessThanOrEqual(packed.w);
      expect(box.y + box.h).toBeLessThanOrEqual(packed.h);
    }
    expect(packed.w > packed.h).toBe(area.width > area.height);
    expect(pack([...parts].reverse(), area, 20)).toEqual(packed);
  });
});

describe('the summary', () => {
  it('counts only what is shown: under "problems only", only the problems', () => {
    const shown = new Hierarchy(graph, visibleEdges(graph, { ...everything, problemsOnly: true }));
    const line = summary(shown, graph);
    const failed = [...graph.edges.values()].filter((e) => e.status === 'failed').length;
    const disconnected = [...graph.edges.values()].filter((e) => e.status === 'disconnected').length;
    expect(line).toBe(
      `Showing ${shown.resources.length} resources and ${failed + disconnected} of ${graph.edges.size} connections (${failed} failed, ${disconnected} disconnected).`,
    );
  });
});
