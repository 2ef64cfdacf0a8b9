/**
 * The drawing: cytoscape on a canvas, positions from the layout worker (ELK layered) or, when a
 * drawing only gained nodes, from placement.ts (nothing already drawn moves). The viewport is
 * fitted to the drawn boxes, labels included, inside the drawing area, and follows the area's
 * size until the user pans or zooms. After every layout and viewport change the page publishes
 * each node's rendered box in the hidden list [data-testid="graph-nodes"].
 */
import cytoscape, { type Core } from 'cytoscape';
import { el } from './dom.ts';
import { extent, fitViewport } from './graph-fit.ts';
import { fontOf, LABEL_MARGIN, LABEL_PADDING, LINE_HEIGHT, LOOK, stylesheet } from './graph-style.ts';
import type { LayoutAnswer, LayoutRequest } from './layout-protocol.ts';
import { STATUS_LOOK, TYPE_LOOK } from './model.ts';
import type { Drawing, DrawnNode } from './overview.ts';
import { nearPoint, placeNew, type Box, type NewNode, type Point } from './placement.ts';

/** Margin between the drawing and the edge of its area, in CSS px. */
const PADDING = 24;
/** A fitted small drawing is not blown up past this. */
const MAX_FIT_ZOOM = 1.5;

/** Positions for a drawing, ready to show. */
export interface Layout {
  readonly drawing: Drawing;
  /** Each node's box (shape and label), top-left, in model pixels. */
  readonly boxes: ReadonlyMap<string, Box>;
  /** From one full layout (false once nodes were placed into an earlier one). */
  readonly fresh: boolean;
}

export interface ViewHooks {
  /** The viewport is about to change (the area resized). */
  settling(): void;
  /** The viewport is final again and the geometry published. */
  settled(): void;
}

export class GraphView {
  readonly cy: Core;
  private readonly worker = new Worker('/topology/layout-worker.js');
  private readonly pending = new Map<number, (answer: LayoutAnswer) => void>();
  private readonly measurer = document.createElement('canvas').getContext('2d')!;
  private layoutId = 0;
  private shown: Layout | undefined;
  /** The viewport fits the drawing until the user pans or zooms. */
  private following = true;
  private fitting = false;
  private publishQueued = false;

  constructor(
    canvas: HTMLElement,
    private readonly area: HTMLElement,
    private readonly list: HTMLElement,
    private readonly hooks: ViewHooks,
  ) {
    this.cy = cytoscape({
      container: canvas,
      style: stylesheet(),
      minZoom: 0.02,
      maxZoom: 4,
      boxSelectionEnabled: false,
      selectionType: 'single',
      // Positions are the layout's: dragging would break the published geometry and the stability.
      autoungrabify: true,
      // Headless and low-end machines draw the canvas in software: never more pixels than CSS pixels.
      pixelRatio: 1,
    });
    this.cy.on('viewport', () => {
      if (!this.fitting) this.following = false;
      this.queuePublish();
    });
    this.worker.onmessage = (event: MessageEvent<LayoutAnswer>) => {
      this.pending.get(event.data.id)?.(event.data);
      this.pending.delete(event.data.id);
    };
    new ResizeObserver(() => this.resized()).observe(area);
  }

  /** The drawing area's size in CSS px. */
  size(): { width: number; height: number } {
    return { width: this.area.clientWidth, height: this.area.clientHeight };
  }

  /**
   * Positions for `drawing`. With `keep`, nodes already shown keep their place and new ones are
   * placed beside their neighbours (or around the node `home`, a group just opened); otherwise ELK
   * lays out the whole drawing.
   */
  async prepare(drawing: Drawing, keep: boolean, home?: string): Promise<Layout> {
    const sizes = new Map(drawing.nodes.map((node) => [node.id, this.measure(node)] as const));
    const before = this.shown;
    if (keep && before && before.boxes.size > 0) {
      const boxes = new Map<string, Box>();
      for (const node of drawing.nodes) {
        const old = before.boxes.get(node.id);
        if (!old) continue;
        const size = sizes.get(node.id)!;
        // A label that grew or shrank keeps its node's centre where it was.
        boxes.set(node.id, { x: old.x + (old.w - size.w) / 2, y: old.y, ...size });
      }
      const centres = new Map([...before.boxes].map(([id, box]) => [id, centreOf(box)] as const));
      const homeAt = home === undefined ? undefined : centres.get(home);
      const all = extent(boxes.values()) ?? { x: 0, y: 0, w: 0, h: 0 };
      const fresh: NewNode[] = drawing.nodes
        .filter((node) => !boxes.has(node.id))
        .map((node) => ({
          id: node.id,
          ...sizes.get(node.id)!,
          near: nearPoint(node.id, drawing.edges, centres, homeAt) ?? { x: all.x, y: all.y + all.h + 40 },
        }));
      for (const [id, at] of placeNew([...boxes.values()], fresh)) boxes.set(id, { ...at, ...sizes.get(id)! });
      const changed = fresh.length > 0 || [...before.boxes.keys()].some((id) => !boxes.has(id));
      return { drawing, boxes, fresh: before.fresh && !changed };
    }
    const { width, height } = this.size();
    const answer = await this.layout({
      nodes: drawing.nodes.map((node) => ({ id: node.id, ...sizes.get(node.id)! })),
      edges: drawing.edges.map(({ id, source, target }) => ({ id, source, target })),
      aspectRatio: width > 0 && height > 0 ? width / height : 1.6,
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

  /** The zoom at which `layout` would fit the drawing area. */
  fitZoom(layout: Layout): number {
    const box = extent(layout.boxes.values());
    const { width, height } = this.size();
    return box ? (fitViewport(box, width, height, PADDING, MAX_FIT_ZOOM)?.zoom ?? 1) : 1;
  }

  /** Puts `layout` on screen and fits it (a kept layout only when it follows, or a node fell outside). */
  async show(layout: Layout, fit: boolean): Promise<void> {
    const cy = this.cy;
    const { drawing, boxes } = layout;
    const wanted = new Set([...drawing.nodes.map((n) => n.id), ...drawing.edges.map((e) => e.id)]);
    cy.batch(() => {
      cy.elements()
        .filter((element) => !wanted.has(element.id()))
        .remove();
      for (const node of drawing.nodes) {
        const box = boxes.get(node.id)!;
        const look = node.group ? LOOK.group : LOOK.single;
        const position = { x: box.x + box.w / 2, y: box.y + look.shape / 2 };
        const data = {
          id: node.id,
          label: node.label,
          resourceType: node.resourceType,
          count: node.count,
          worst: node.statuses[0]?.[0] ?? '',
        };
        const existing = cy.getElementById(node.id);
        if (existing.nonempty()) existing.data(data).position(position);
        else cy.add({ group: 'nodes', data, position, classes: node.group ? ['group'] : [] });
      }
      for (const edge of drawing.edges) {
        const data = {
          ...edge,
          statuses: undefined,
          label: [
            ...edge.statuses.map(([status, n]) => (edge.count > 1 ? `${n} ${status}` : status)),
            ...(edge.nearDeadline ? [edge.count > 1 ? `${edge.nearDeadline} near deadline` : 'near deadline'] : []),
          ].join(', '),
          width: STATUS_LOOK[edge.status].width * (edge.count > 1 ? 1 + Math.log10(edge.count) : 1),
        };
        const existing = cy.getElementById(edge.id);
        if (existing.nonempty()) existing.data(data);
        else cy.add({ group: 'edges', data });
      }
    });
    this.shown = layout;
    if (fit || this.following || !this.inside()) this.fit();
    await frames();
    this.publish();
  }

  /** Fits the whole drawing into the area, and follows it from now on. */
  fit(): void {
    const box = this.shown && extent(this.shown.boxes.values());
    const { width, height } = this.size();
    const viewport = box && fitViewport(box, width, height, PADDING, MAX_FIT_ZOOM);
    this.following = true;
    if (!viewport) return;
    this.fitting = true;
    this.cy.viewport(viewport);
    this.fitting = false;
  }

  clear(): void {
    this.cy.elements().remove();
    this.shown = undefined;
    this.list.replaceChildren();
  }

  /** Selects a node or edge; `reveal` pans (never zooms) just enough to bring a node into view. */
  select(id: string | undefined, reveal: boolean): void {
    this.cy.elements(':selected').unselect();
    if (!id) return;
    const element = this.cy.getElementById(id);
    if (element.empty()) return;
    element.select();
    const box = this.shown?.boxes.get(id);
    if (!reveal || !box) return;
    const { width, height } = this.size();
    const zoom = this.cy.zoom();
    const pan = this.cy.pan();
    const [left, top] = [pan.x + zoom * box.x, pan.y + zoom * box.y];
    const [right, bottom] = [left + zoom * box.w, top + zoom * box.h];
    const dx = left < PADDING ? PADDING - left : right > width - PADDING ? width - PADDING - right : 0;
    const dy = top < PADDING ? PADDING - top : bottom > height - PADDING ? height - PADDING - bottom : 0;
    if (dx || dy) this.cy.panBy({ x: dx, y: dy });
  }

  /** Waits for the frames that follow a change of the area (the panel opened, say), then publishes. */
  async settle(): Promise<void> {
    await frames();
    this.publish();
  }

  png(): Blob {
    return this.cy.png({ output: 'blob', bg: '#ffffff', full: true, scale: 2, maxWidth: 8000, maxHeight: 8000 });
  }

  layoutFresh(): boolean {
    return this.shown?.fresh ?? true;
  }

  private layout(request: Omit<LayoutRequest, 'id'>): Promise<LayoutAnswer> {
    const id = ++this.layoutId;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ ...request, id });
    });
  }

  /** A node's box: the shape, and the label under it, as cytoscape measures and draws them. */
  private measure(node: DrawnNode): { w: number; h: number } {
    const look = node.group ? LOOK.group : LOOK.single;
    this.measurer.font = fontOf(look);
    const lines = node.label.split('\n');
    const text = Math.max(...lines.map((line) => Math.ceil(this.measurer.measureText(line).width)));
    const w = Math.max(look.shape, text + 2 * LABEL_PADDING) + 4;
    const h = look.shape + LABEL_MARGIN + lines.length * look.font * LINE_HEIGHT + 2 * LABEL_PADDING + 2;
    return { w: Math.ceil(w), h: Math.ceil(h) };
  }

  /** Whether every node lies inside the area. */
  private inside(): boolean {
    const box = this.shown && extent(this.shown.boxes.values());
    if (!box) return true;
    const { width, height } = this.size();
    const zoom = this.cy.zoom();
    const pan = this.cy.pan();
    const [left, top] = [pan.x + zoom * box.x, pan.y + zoom * box.y];
    return left >= 0 && top >= 0 && left + zoom * box.w <= width && top + zoom * box.h <= height;
  }

  private resized(): void {
    if (!this.shown) return;
    this.hooks.settling();
    this.cy.resize();
    if (this.following) this.fit();
    else {
      const selected = this.cy.elements(':selected').first();
      if (selected.nonempty()) this.select(selected.id(), true);
    }
    this.publish();
    this.hooks.settled();
  }

  private queuePublish(): void {
    if (this.publishQueued) return;
    this.publishQueued = true;
    requestAnimationFrame(() => {
      this.publishQueued = false;
      this.publish();
    });
  }

  /** Every drawn node's rendered box (shape and label) in CSS px of the viewport. */
  private publish(): void {
    const origin = this.area.getBoundingClientRect();
    const round = (value: number) => String(Math.round(value * 10) / 10);
    const items = this.cy.nodes().map((node) => {
      const box = node.renderedBoundingBox({ includeLabels: true, includeOverlays: false });
      const type = node.data('resourceType') as keyof typeof TYPE_LOOK;
      const label = String(node.data('label')).replace(/\n/g, ', ');
      return el(
        'li',
        {
          'data-key': node.id(),
          'data-box': [origin.left + box.x1, origin.top + box.y1, box.w, box.h].map(round).join(' '),
        },
        node.hasClass('group') ? `group: ${label}` : `${TYPE_LOOK[type].label} ${label}`,
      );
    });
    this.list.replaceChildren(...items);
  }
}

const centreOf = (box: Box): Point => ({ x: box.x + box.w / 2, y: box.y + box.h / 2 });

/** Two animation frames: the canvas has drawn what was just changed. */
const frames = () =>
  new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
