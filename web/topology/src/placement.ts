/**
 * Stability: when a drawing gains nodes (a refresh found new resources, a group was opened), the
 * nodes already drawn keep their positions and each new one takes the free spot nearest to where
 * it belongs: beside its neighbours, a column to the left of what it connects to and to the right of
 * what connects to it, or where the group it came out of was. Nothing already drawn moves, and
 * nothing removed leaves room for others until the user asks for a new layout.
 */

/** A node's box, shape and label together, in model coordinates: top-left corner and size. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}
export interface Point {
  readonly x: number;
  readonly y: number;
}
export interface NewNode {
  readonly id: string;
  readonly w: number;
  readonly h: number;
  /** Where its centre would best be. */
  readonly near: Point;
}

/** The gap kept around every box (as the layout keeps between nodes). */
export const GAP = 8;
/** How far left of its target (right of its source) a new node goes: the layout's column spacing. */
export const COLUMN_STEP = 120;

const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.w + GAP && b.x < a.x + a.w + GAP && a.y < b.y + b.h + GAP && b.y < a.y + a.h + GAP;

/** Top-left corners for `fresh`, in order, none overlapping `fixed` or each other. */
export function placeNew(fixed: readonly Box[], fresh: readonly NewNode[]): Map<string, Point> {
  const taken = [...fixed];
  const placed = new Map<string, Point>();
  for (const node of fresh) {
    const spot = freeSpot(taken, node);
    taken.push({ ...spot, w: node.w, h: node.h });
    placed.set(node.id, spot);
  }
  return placed;
}

/** The free spot nearest `near` on a grid of half a box, rings outwards; below everything if none is close. */
function freeSpot(taken: readonly Box[], node: NewNode): Point {
  const step = { x: Math.max(8, (node.w + GAP) / 2), y: Math.max(8, (node.h + GAP) / 2) };
  const origin = { x: node.near.x - node.w / 2, y: node.near.y - node.h / 2 };
  const free = (x: number, y: number) => !taken.some((box) => overlaps(box, { x, y, w: node.w, h: node.h }));
  for (let ring = 0; ring <= 24; ring++) {
    const candidates: Point[] = [];
    for (let i = -ring; i <= ring; i++)
      for (let j = -ring; j <= ring; j++)
        if (Math.max(Math.abs(i), Math.abs(j)) === ring) candidates.push({ x: i * step.x, y: j * step.y });
    // Nearest first; ties broken by position, so the same input always gives the same spot.
    candidates.sort((a, b) => Math.hypot(a.x, a.y) - Math.hypot(b.x, b.y) || a.y - b.y || a.x - b.x);
    for (const offset of candidates) {
      const at = { x: origin.x + offset.x, y: origin.y + offset.y };
      if (free(at.x, at.y)) return at;
    }
  }
  const bottom = Math.max(...taken.map((box) => box.y + box.h));
  return { x: origin.x, y: bottom + 2 * GAP };
}

/**
 * Where a new node belongs: the mean of its placed neighbours' centres, a column left of those it
 * connects to and right of those that connect to it; `home` (the group it came out of) wins.
 */
export function nearPoint(
  id: string,
  edges: readonly { source: string; target: string }[],
  centres: ReadonlyMap<string, Point>,
  home: Point | undefined,
): Point | undefined {
  if (home) return home;
  let [x, y, n] = [0, 0, 0];
  for (const edge of edges) {
    const other = edge.source === id ? edge.target : edge.target === id ? edge.source : undefined;
    const at = other === undefined ? undefined : centres.get(other);
    if (!at) continue;
    x += at.x + (edge.source === id ? -COLUMN_STEP : COLUMN_STEP);
    y += at.y;
    n++;
  }
  return n ? { x: x / n, y: y / n } : undefined;
}
