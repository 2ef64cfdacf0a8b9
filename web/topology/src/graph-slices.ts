/**
 * Putting thousands of elements into cytoscape at once is one long main-thread task: every
 * element's style, label size and edge path is computed together, on the first fit or frame (about
 * a second for 2,000 connections on a slow machine). Here they go in a slice at a time, each
 * slice's style and bounds computed in its own task, so the page answers input between slices.
 */
import type { Core, ElementDefinition } from 'cytoscape';
import { prepareForDrawing, sortForDrawing } from './renderer-warmup.ts';

/** Elements per slice, and the main-thread time a run of slices may take before it yields. */
const SLICE = 25;
const BUDGET_MS = 30;

/** A new task, at once: setTimeout(0) would wait 4 ms once nested, a few hundred times per drawing. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}

/**
 * Adds `elements` (nodes before the edges that join them). Returns false, having stopped, when
 * `stale()` says a newer drawing took over. The render loop skips frames while cytoscape is
 * batching, so an open batch across each yield keeps a half-added graph off the screen (and
 * spares a redraw per slice); the one frame after the last slice draws everything.
 */
export async function addInSlices(cy: Core, elements: ElementDefinition[], stale: () => boolean): Promise<boolean> {
  let started = performance.now();
  for (let i = 0; i < elements.length; i += SLICE) {
    const added = cy.add(elements.slice(i, i + SLICE));
    // Each element's style, label size and edge path, now rather than in the first frame.
    added.boundingBox();
    prepareForDrawing(cy, added);
    if (performance.now() - started < BUDGET_MS) continue;
    cy.startBatch();
    try {
      await nextTask();
    } finally {
      cy.endBatch();
    }
    if (stale()) return false;
    started = performance.now();
  }
  sortForDrawing(cy);
  return true;
}

interface Box {
  readonly x: number;
  readonly y: number;
  readonly size: number;
}

/**
 * The zoom and pan that fit these nodes in a `width` × `height` viewport, as cy.fit() would: from
 * positions and sizes alone, where cy.fit() would first compute every element's style and label.
 */
export function fitViewport(
  nodes: readonly Box[],
  width: number,
  height: number,
  padding: number,
  zoomLimits: { min: number; max: number },
): { zoom: number; pan: { x: number; y: number } } {
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const { x, y, size } of nodes) {
    x1 = Math.min(x1, x - size / 2);
    x2 = Math.max(x2, x + size / 2);
    y1 = Math.min(y1, y - size / 2);
    // The label sits under the node.
    y2 = Math.max(y2, y + size / 2 + 14);
  }
  if (!Number.isFinite(x1)) return { zoom: 1, pan: { x: width / 2, y: height / 2 } };
  const fits = Math.min((width - 2 * padding) / Math.max(1, x2 - x1), (height - 2 * padding) / Math.max(1, y2 - y1));
  const zoom = Math.min(zoomLimits.max, Math.max(zoomLimits.min, fits));
  return { zoom, pan: { x: (width - zoom * (x1 + x2)) / 2, y: (height - zoom * (y1 + y2)) / 2 } };
}
