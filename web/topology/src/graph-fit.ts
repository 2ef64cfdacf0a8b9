/** The viewport that shows a drawing whole: zoom and pan from its boxes alone, as cy.fit() would from its elements. */
import type { Box } from './placement.ts';

export interface Viewport {
  readonly zoom: number;
  readonly pan: { x: number; y: number };
}

/** The smallest box holding every box (shape and label), or undefined for none. */
export function extent(boxes: Iterable<Box>): Box | undefined {
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const box of boxes) {
    x1 = Math.min(x1, box.x);
    y1 = Math.min(y1, box.y);
    x2 = Math.max(x2, box.x + box.w);
    y2 = Math.max(y2, box.y + box.h);
  }
  return Number.isFinite(x1) ? { x: x1, y: y1, w: x2 - x1, h: y2 - y1 } : undefined;
}

/**
 * The zoom and pan that centre `box` in a `width` × `height` area with `padding` on every side, at
 * most `maxZoom` (a small drawing is not blown up). Undefined when the area has no size (the graph
 * is hidden behind the table view).
 */
export function fitViewport(
  box: Box,
  width: number,
  height: number,
  padding: number,
  maxZoom: number,
): Viewport | undefined {
  if (width <= 2 * padding || height <= 2 * padding) return undefined;
  const zoom = Math.min(
    maxZoom,
    (width - 2 * padding) / Math.max(1, box.w),
    (height - 2 * padding) / Math.max(1, box.h),
  );
  return {
    zoom,
    pan: { x: width / 2 - zoom * (box.x + box.w / 2), y: height / 2 - zoom * (box.y + box.h / 2) },
  };
}

/**
 * As fitViewport, but never below `minZoom`, where labels would be too small to read: a drawing
 * bigger than the area at that zoom (the panel took room from it) shows the part around `focus`
 * (the selection), or its top left, and the rest is a pan away.
 */
export function readableViewport(
  box: Box,
  width: number,
  height: number,
  padding: number,
  zooms: { min: number; max: number },
  focus?: { x: number; y: number },
): Viewport | undefined {
  const fitted = fitViewport(box, width, height, padding, zooms.max);
  if (!fitted || fitted.zoom >= zooms.min) return fitted;
  const zoom = zooms.min;
  const axis = (size: number, start: number, length: number, at: number | undefined) => {
    // It fits this way: centred. Otherwise around `at`, no edge of the drawing further in than the padding.
    if (zoom * length <= size - 2 * padding) return size / 2 - zoom * (start + length / 2);
    const wanted = at === undefined ? padding - zoom * start : size / 2 - zoom * at;
    return Math.min(padding - zoom * start, Math.max(size - padding - zoom * (start + length), wanted));
  };
  return { zoom, pan: { x: axis(width, box.x, box.w, focus?.x), y: axis(height, box.y, box.h, focus?.y) } };
}
