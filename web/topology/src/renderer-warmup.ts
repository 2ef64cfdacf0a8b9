/**
 * Work cytoscape's canvas renderer would otherwise do all at once in the first frame after a big
 * addition, done here instead, a slice of elements at a time. These are the renderer's internals
 * (not in cytoscape's typings, checked against 3.34): each step is skipped when absent, and then
 * the first frame does that work, as it did before.
 */
import type { Collection, Core, SingularElementArgument } from 'cytoscape';

interface TextureCache {
  getBoundingBox?(ele: SingularElementArgument): unknown;
  getElement?(ele: SingularElementArgument, box: unknown, pixelRatio: number): unknown;
}
interface CanvasRenderer {
  flushRenderedStyleQueue?(): void;
  getPixelRatio?(): number;
  getCachedZSortedEles?(): unknown;
  data?: { eleTxrCache?: TextureCache; lblTxrCache?: TextureCache };
}

const rendererOf = (cy: Core): CanvasRenderer | undefined =>
  (cy as unknown as { renderer?: () => CanvasRenderer | undefined }).renderer?.();

/** Prepares `added` (already in `cy`, viewport already set) for drawing. */
export function prepareForDrawing(cy: Core, added: Collection): void {
  const renderer = rendererOf(cy);
  // The renderer queues what an addition touched and lays out its labels and edge ends in the
  // next frame: empty the queue now.
  renderer?.flushRenderedStyleQueue?.();
  // Node shapes and labels are drawn into shared textures, then copied onto the canvas. Copying
  // from a texture just drawn into makes the browser snapshot it: in the first frame, one
  // snapshot per label (half a millisecond each without a GPU). Drawn here, each texture is
  // snapshotted once. The zoom decides the texture size, hence the viewport first.
  const pixelRatio = renderer?.getPixelRatio?.() ?? 1;
  for (const [cache, which] of [
    [renderer?.data?.eleTxrCache, added.nodes()],
    [renderer?.data?.lblTxrCache, added],
  ] as const) {
    if (!cache?.getElement || !cache.getBoundingBox) continue;
    which.forEach((ele) => void cache.getElement!(ele, cache.getBoundingBox!(ele), pixelRatio));
  }
}

/** Sorts the elements by drawing order, which the first frame would do. */
export function sortForDrawing(cy: Core): void {
  rendererOf(cy)?.getCachedZSortedEles?.();
}
