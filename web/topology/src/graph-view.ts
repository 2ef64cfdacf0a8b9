/**
 * The drawing: cytoscape on a canvas, positions from layouts.ts. The viewport is fitted to the
 * drawn boxes, labels included, inside the drawing area, never below a readable zoom, and follows
 * the area's size until the user pans or zooms. After every layout and viewport change the page
 * publishes each node's rendered box and label height, and every drawn edge (graph-lists.ts); the
 * node the keyboard is on is marked (keyboard.ts moves it).
 */
import cytoscape, { type Core } from 'cytoscape';
import type { Drawing } from './drawn.ts';
import { extent, readableViewport } from './graph-fit.ts';
import { GraphLists, readingOrder, type Placed } from './graph-lists.ts';
import { LABEL_PX, labelSides, nodeElement, READABLE_ZOOM, strandsOf, stylesheet } from './graph-style.ts';
import { neighbourTo } from './keyboard.ts';
import { Layouts, MAX_FIT_ZOOM, PADDING, type Layout, type Size } from './layouts.ts';

export interface ViewHooks {
  /** The viewport is about to change (the area resized). */
  settling(): void;
  /** The viewport is final again and the geometry published. */
  settled(): void;
  /** A new drawing is on screen and in the published lists. */
  drawn(): void;
}

export class GraphView {
  readonly cy: Core;
  readonly lists: GraphLists;
  private readonly layouts: Layouts;
  private shown: Layout | undefined;
  /** The viewport fits the drawing until the user pans or zooms. */
  private following = true;
  private fitting = false;
  private publishQueued = false;

  constructor(
    canvas: HTMLElement,
    private readonly area: HTMLElement,
    lists: { nodes: HTMLElement; edges: HTMLElement },
    private readonly hooks: ViewHooks,
    /** The panel's width: layouts readable beside it too are preferred. */
    panelWidth: number,
  ) {
    this.lists = new GraphLists(lists.nodes, lists.edges);
    this.layouts = new Layouts(panelWidth);
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
    new ResizeObserver(() => this.resized()).observe(area);
  }

  /** The drawing area's size in CSS px. */
  size(): Size {
    return { width: this.area.clientWidth, height: this.area.clientHeight };
  }

  /** A full layout of `drawing`, shaped for an area of `size`. */
  layOut(drawing: Drawing, size: Size): Promise<Layout> {
    return this.layouts.layOut(drawing, size);
  }

  /** `drawing` in the layout on screen, new nodes beside their neighbours (undefined: nothing on screen). */
  keepLayout(drawing: Drawing): Layout | undefined {
    return this.layouts.keep(drawing, this.shown);
  }

  /** Puts `layout` on screen and fits it (a kept layout only when it follows, or a node fell outside). */
  async show(layout: Layout, fit: boolean): Promise<void> {
    const cy = this.cy;
    const { drawing, boxes } = layout;
    const strands = drawing.edges.flatMap(strandsOf);
    const sideOf = labelSides(drawing.edges);
    const wanted = new Set([...drawing.nodes.map((n) => n.id), ...strands.map((s) => s.id)]);
    cy.batch(() => {
      cy.elements()
        .filter((element) => !wanted.has(element.id()))
        .remove();
      for (const node of drawing.nodes) {
        const { data, position } = nodeElement(node, boxes.get(node.id)!, sideOf(node.id));
        const existing = cy.getElementById(node.id);
        if (existing.nonempty()) existing.data(data).position(position);
        else cy.add({ group: 'nodes', data, position, classes: node.group ? ['group'] : [] });
      }
      for (const data of strands) {
        const existing = cy.getElementById(data.id);
        if (existing.nonempty()) existing.data(data);
        else cy.add({ group: 'edges', data });
      }
    });
    this.shown = layout;
    this.lists.build(drawing, readingOrder(boxes));
    this.hooks.drawn();
    if (fit || this.following || !this.inside()) this.fit();
    await frames();
    this.publish();
  }

  /**
   * Fits the whole drawing into the area (at a readable zoom: beside the panel, a drawing planned
   * for the whole area may show only the part around the selection), and follows it from now on.
   */
  fit(): void {
    const box = this.shown && extent(this.shown.boxes.values());
    const { width, height } = this.size();
    const selected = this.shown && this.cy.nodes(':selected').first();
    const focus = selected?.nonempty() ? selected.position() : undefined;
    const zooms = { min: READABLE_ZOOM, max: MAX_FIT_ZOOM };
    const viewport = box && readableViewport(box, width, height, PADDING, zooms, focus);
    this.following = true;
    if (!viewport) return;
    this.fitting = true;
    this.cy.viewport(viewport);
    this.fitting = false;
  }

  clear(): void {
    this.cy.elements().remove();
    this.shown = undefined;
    this.lists.clear();
  }

  /** Selects a node or edge; `reveal` pans (never zooms) just enough to bring a node into view. */
  select(id: string | undefined, reveal: boolean): void {
    this.cy.elements(':selected').unselect();
    this.lists.markSelected(id);
    if (!id) return;
    const element = this.cy.getElementById(id);
    if (element.empty()) return;
    element.select();
    if (reveal) this.reveal(id);
  }

  /** Marks the node the keyboard is on (undefined: none), and brings it into view. */
  mark(id: string | undefined): void {
    this.cy.nodes('.keyboard').removeClass('keyboard');
    if (id === undefined) return;
    this.cy.getElementById(id).addClass('keyboard');
    this.reveal(id);
  }

  /** The node an arrow key moves to from `from` (keyboard.ts: neighbourTo). */
  step(from: string, key: string): string | undefined {
    return this.shown && neighbourTo(from, key, this.shown);
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

  private reveal(id: string): void {
    const box = this.shown?.boxes.get(id);
    if (!box) return;
    const { width, height } = this.size();
    const zoom = this.cy.zoom();
    const pan = this.cy.pan();
    const [left, top] = [pan.x + zoom * box.x, pan.y + zoom * box.y];
    const [right, bottom] = [left + zoom * box.w, top + zoom * box.h];
    const dx = left < PADDING ? PADDING - left : right > width - PADDING ? width - PADDING - right : 0;
    const dy = top < PADDING ? PADDING - top : bottom > height - PADDING ? height - PADDING - bottom : 0;
    if (dx || dy) this.cy.panBy({ x: dx, y: dy });
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
      if (selected.nonempty()) this.reveal(selected.id());
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

  /** Every drawn node's rendered box (shape and label) in CSS px of the viewport, and its label's height. */
  private publish(): void {
    const origin = this.area.getBoundingClientRect();
    const zoom = this.cy.zoom();
    const placed = new Map<string, Placed>();
    this.cy.nodes().forEach((node) => {
      const box = node.renderedBoundingBox({ includeLabels: true, includeOverlays: false, includeUnderlays: false });
      // Every node's label is LABEL_PX in model px; cytoscape leaves it out below LABEL_PX on screen.
      const labelPx = LABEL_PX * zoom;
      placed.set(node.id(), {
        box: [origin.left + box.x1, origin.top + box.y1, box.w, box.h],
        labelPx: labelPx >= LABEL_PX ? labelPx : 0,
      });
    });
    this.lists.place(placed);
  }
}

/** Two animation frames: the canvas has drawn what was just changed. */
const frames = () =>
  new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
