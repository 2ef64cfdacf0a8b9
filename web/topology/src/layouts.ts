/**
 * Positions for a drawing: each node's box measured as cytoscape draws it (shape and label), then
 * laid out by the layout worker (ELK layered, off the main thread), or, when new data only added
 * resources, placed into the layout on screen (placement.ts: nothing already drawn moves).
 */
import { extent, fitViewport } from './graph-fit.ts';
import { fontOf, LABEL_MARGIN, LABEL_PADDING, labelSides, LINE_HEIGHT, LOOK, READABLE_ZOOM } from './graph-style.ts';
import type { Drawing } from './drawn.ts';
import type { LayoutAnswer, LayoutRequest } from './layout-protocol.ts';
import { nearPoint, placeNew, type Box, type NewNode } from './placement.ts';

/** Margin between the drawing and the edge of its area, in CSS px. */
export const PADDING = 20;
/** A fitted small drawing is not blown up past this. */
export const MAX_FIT_ZOOM = 1.5;

/** Positions for a drawing, ready to show. */
export interface Layout {
  readonly drawing: Drawing;
  /** Each node's box (shape and label), top-left, in model pixels. */
  readonly boxes: ReadonlyMap<string, Box>;
  /** From one full layout (false once nodes were placed into an earlier one). */
  readonly fresh: boolean;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** The zoom at which `layout` fits an area of `size`. */
export function fitZoom(layout: Layout, size: Size): number {
  const box = extent(layout.boxes.values());
  return box ? (fitViewport(box, size.width, size.height, PADDING, MAX_FIT_ZOOM)?.zoom ?? 0) : MAX_FIT_ZOOM;
}

export class Layouts {
  private readonly worker = new Worker('/topology/layout-worker.js');
  private readonly pending = new Map<number, (answer: LayoutAnswer) => void>();
  private readonly measurer = document.createElement('canvas').getContext('2d')!;
  private layoutId = 0;

  /** `panelWidth`: layouts readable beside the panel too are preferred. */
  constructor(private readonly panelWidth: number) {
    this.worker.onmessage = (event: MessageEvent<LayoutAnswer>) => {
      this.pending.get(event.data.id)?.(event.data);
      this.pending.delete(event.data.id);
    };
  }

  /** A full layout of `drawing` by ELK, shaped for an area of `size`. */
  async layOut(drawing: Drawing, size: Size): Promise<Layout> {
    const sizes = this.measure(drawing);
    const answer = await this.ask({
      nodes: drawing.nodes.map((node) => ({ id: node.id, ...sizes.get(node.id)! })),
      edges: drawing.edges.map(({ id, source, target }) => ({ id, source, target })),
      area: inner(size),
      narrow: inner({ ...size, width: size.width - this.panelWidth }),
      minZoom: READABLE_ZOOM,
    });
    if (answer.error) throw new Error(`layout failed: ${answer.error}`);
    const boxes = new Map(
      drawing.nodes.map((node) => [
        node.id,
        { ...(answer.positions[node.id] ?? { x: 0, y: 0 }), ...sizes.get(node.id)! },
      ]),
    );
    return { drawing, boxes, fresh: true };
  }

  /**
   * `drawing` in the layout `before`: nodes already shown keep their place (a label that grew or
   * shrank about its centre) and new ones take the free spot beside their neighbours.
   */
  keep(drawing: Drawing, before: Layout | undefined): Layout | undefined {
    if (!before || before.boxes.size === 0) return undefined;
    const sizes = this.measure(drawing);
    const boxes = new Map<string, Box>();
    for (const node of drawing.nodes) {
      const old = before.boxes.get(node.id);
      const size = sizes.get(node.id)!;
      if (old) boxes.set(node.id, { x: old.x + (old.w - size.w) / 2, y: old.y, ...size });
    }
    const centres = new Map([...before.boxes].map(([id, box]) => [id, { x: box.x + box.w / 2, y: box.y + box.h / 2 }]));
    const all = extent(boxes.values()) ?? { x: 0, y: 0, w: 0, h: 0 };
    const fresh: NewNode[] = drawing.nodes
      .filter((node) => !boxes.has(node.id))
      .map((node) => ({
        id: node.id,
        ...sizes.get(node.id)!,
        near: nearPoint(node.id, drawing.edges, centres, undefined) ?? { x: all.x, y: all.y + all.h + 40 },
      }));
    for (const [id, at] of placeNew([...boxes.values()], fresh)) boxes.set(id, { ...at, ...sizes.get(id)! });
    const changed = fresh.length > 0 || [...before.boxes.keys()].some((id) => !boxes.has(id));
    return { drawing, boxes, fresh: before.fresh && !changed };
  }

  private ask(request: Omit<LayoutRequest, 'id'>): Promise<LayoutAnswer> {
    const id = ++this.layoutId;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ ...request, id });
    });
  }

  /** Each node's box: the shape and its label (beside or under it), as cytoscape measures and draws them. */
  private measure(drawing: Drawing): Map<string, { w: number; h: number }> {
    const side = labelSides(drawing.edges);
    return new Map(
      drawing.nodes.map((node) => {
        const look = node.group ? LOOK.group : LOOK.single;
        this.measurer.font = fontOf(look);
        const lines = node.label.split('\n');
        const text = Math.max(...lines.map((line) => Math.ceil(this.measurer.measureText(line).width)));
        const label = { w: text + 2 * LABEL_PADDING, h: lines.length * look.font * LINE_HEIGHT + 2 * LABEL_PADDING };
        const beside = side(node.id) !== 'below';
        const w = beside ? look.shape + LABEL_MARGIN + label.w : Math.max(look.shape, label.w);
        const h = beside ? Math.max(look.shape, label.h) : look.shape + LABEL_MARGIN + label.h;
        return [node.id, { w: Math.ceil(w) + 4, h: Math.ceil(h) + 2 }] as const;
      }),
    );
  }
}

/** An area less the margins the fit keeps. */
const inner = (size: Size) => ({
  width: Math.max(1, size.width - 2 * PADDING),
  height: Math.max(1, size.height - 2 * PADDING),
});
