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
