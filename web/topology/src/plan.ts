/**
 * Which picture to draw, from the data and the room the window gives the drawing (drawing.ts:
 * room): every resource singly when that is readable, else the overview with as many groups
 * opened as stay readable. Readable means every label at least LABEL_PX high on screen once the
 * layout is fitted into the room: a smaller window gets fewer groups, never smaller text. The
 * layout itself is the judge (ELK's, as it will be drawn); a first guess from the room's height
 * keeps the tries few. The panel plays no part: opening or closing it changes no group.
 */
import { READABLE_ZOOM } from './graph-style.ts';
import { fitZoom, PADDING, type Layout, type Size } from './layouts.ts';
import type { Hierarchy } from './hierarchy.ts';
import type { Drawing } from './drawn.ts';
import { fullDrawing, OVERVIEW_MAX, overviewDrawing } from './overview.ts';

/** A group's box (its shape and a label of up to three lines beside it) and the gap under it, in model px. */
const GROUP_PITCH = 64;
const MAX_TRIES = 6;

export interface Plan {
  readonly drawing: Drawing;
  readonly layout: Layout;
  /** The overview's limits that made it (for a refresh to group new data the same way). */
  readonly limits: { budget: number; perColumn: number } | undefined;
}

export type LayOut = (drawing: Drawing) => Promise<Layout>;

/** Whether `layout` is readable fitted into `room`. */
export const readable = (layout: Layout, room: Size) => fitZoom(layout, room) >= READABLE_ZOOM;

export async function plan(
  hierarchy: Hierarchy,
  open: ReadonlySet<string>,
  room: Size,
  layOut: LayOut,
  tries = MAX_TRIES,
): Promise<Plan> {
  if (hierarchy.resources.length <= OVERVIEW_MAX) {
    const drawing = fullDrawing(hierarchy);
    const layout = await layOut(drawing);
    if (readable(layout, room)) return { drawing, layout, limits: undefined };
  }
  let limits = firstGuess(room);
  let best: Plan | undefined;
  for (let tried = 0; tried < tries; tried++) {
    const drawing = overviewDrawing(hierarchy, { ...limits, open });
    // Nothing smaller to try: the limits no longer change what is drawn.
    if (best && sameNodes(best.drawing, drawing)) break;
    best = { drawing, layout: await layOut(drawing), limits };
    const zoom = fitZoom(best.layout, room);
    if (zoom >= READABLE_ZOOM) break;
    const shrink = Math.min(0.9, Math.max(0.5, zoom / READABLE_ZOOM));
    limits = {
      budget: Math.max(1, Math.min(drawing.nodes.length - 1, Math.floor(drawing.nodes.length * shrink))),
      perColumn: Math.max(1, Math.floor(limits.perColumn * shrink)),
    };
  }
  return best!;
}

/** The same kind of picture as `before` for new data: every resource, or the overview within the same limits. */
export function drawingLike(before: Plan, hierarchy: Hierarchy, open: ReadonlySet<string>): Drawing {
  return before.limits ? overviewDrawing(hierarchy, { ...before.limits, open }) : fullDrawing(hierarchy);
}

/** Nodes a column of the room holds at zoom 1, and four columns' worth in all. */
function firstGuess(room: Size): { budget: number; perColumn: number } {
  const perColumn = Math.max(2, Math.floor((room.height - 2 * PADDING) / READABLE_ZOOM / GROUP_PITCH));
  return { perColumn, budget: Math.min(OVERVIEW_MAX, perColumn * 4) };
}

const sameNodes = (a: Drawing, b: Drawing) =>
  a.nodes.length === b.nodes.length && a.nodes.every((node, i) => node.id === b.nodes[i]!.id);
