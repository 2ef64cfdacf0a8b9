/**
 * The drawing: cytoscape on a canvas, positions from the layout worker. A redraw with the same
 * resources only restyles (statuses change in place, nothing moves); new resources start next to
 * a neighbour and the worker settles them from the current positions, so the picture stays stable.
 */
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import type { LayoutAnswer, LayoutRequest } from './layout-protocol.ts';
import { fitViewport } from './graph-fit.ts';
import { addInSlices } from './graph-slices.ts';
import { stylesheet } from './graph-style.ts';
import { STATUS_LOOK, STATUSES, type Drawing } from './model.ts';

export class GraphView {
  readonly cy: Core;
  private readonly worker = new Worker('/topology/layout-worker.js');
  private layoutId = 0;
  private drawId = 0;
  private fitWhenShown = false;
  private readonly pending = new Map<number, (answer: LayoutAnswer) => void>();

  constructor(container: HTMLElement) {
    this.cy = cytoscape({
      container,
      style: stylesheet(),
      minZoom: 0.05,
      maxZoom: 4,
      boxSelectionEnabled: false,
      selectionType: 'single',
      // Big graphs: draw a texture while panning and zooming instead of every element.
      textureOnViewport: true,
      hideEdgesOnViewport: true,
      motionBlur: false,
      // Headless and low-end machines draw the canvas in software: never more pixels than CSS pixels.
      pixelRatio: 1,
    });
    this.cy.on('resize', () => {
      if (!this.fitWhenShown || this.cy.width() <= 0) return;
      this.fitWhenShown = false;
      this.cy.fit(undefined, 30);
    });
    this.worker.onmessage = (event: MessageEvent<LayoutAnswer>) => {
      this.pending.get(event.data.id)?.(event.data);
      this.pending.delete(event.data.id);
    };
  }

  private layout(request: Omit<LayoutRequest, 'id'>): Promise<LayoutAnswer> {
    const id = ++this.layoutId;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ ...request, id });
    });
  }

  /**
   * Draws `drawing`; elements `visible` refuses are drawn but filtered out. Resolves once the
   * picture is on screen: true, or false when a newer draw() took over before it was.
   */
  async draw(drawing: Drawing, visible: (id: string) => boolean): Promise<boolean> {
    const cy = this.cy;
    // A newer draw() (a refresh or a filter change while this one waits) supersedes this one.
    const mine = ++this.drawId;
    const wanted = new Set([...drawing.nodes.map((n) => n.id), ...drawing.edges.map((e) => e.id)]);
    const current = new Set(cy.elements().map((element) => element.id()));
    const sameElements = wanted.size === current.size && [...wanted].every((id) => current.has(id));
    const nodeSize = (count: number) => (count > 1 ? Math.min(90, 30 + 6 * Math.sqrt(count)) : 26);
    const edgeWidth = (status: (typeof STATUSES)[number], count: number) =>
      STATUS_LOOK[status].width * (count > 1 ? 1 + Math.log10(count) : 1);

    if (drawing.nodes.length === 0) {
      cy.elements().remove();
    } else if (!sameElements) {
      const known = new Map(cy.nodes().map((node) => [node.id(), { ...node.position() }] as const));
      const neighbourOf = new Map<string, string>();
      for (const edge of drawing.edges) {
        neighbourOf.set(edge.source, edge.target);
        neighbourOf.set(edge.target, edge.source);
      }
      const fresh = drawing.nodes.filter((node) => !known.has(node.id));
      const incremental = known.size > 0 && fresh.length <= Math.max(20, drawing.nodes.length / 10);
      const start = (id: string) => {
        const at = known.get(id) ?? known.get(neighbourOf.get(id) ?? '');
        return at && incremental ? { x: at.x + Math.random() * 40 - 20, y: at.y + Math.random() * 40 - 20 } : {};
      };
      const answer = await this.layout({
        nodes: drawing.nodes.map((node) => ({ id: node.id, size: nodeSize(node.count), ...start(node.id) })),
        edges: drawing.edges.map(({ id, source, target }) => ({ id, source, target })),
        incremental,
      });
      if (answer.error) throw new Error(`layout failed: ${answer.error}`);
      const nodes = drawing.nodes.map((node) => ({
        node,
        size: nodeSize(node.count),
        at: answer.positions[node.id] ?? { x: 0, y: 0 },
      }));
      // Filtered-out elements are hidden from the start: a class change on every element would
      // restyle them all once more in one task.
      const hidden = (id: string) => (visible(id) ? [] : ['hidden']);
      const elements: ElementDefinition[] = [
        ...nodes.map(({ node, size, at }) => ({
          group: 'nodes' as const,
          data: { id: node.id, label: node.label, resourceType: node.resourceType, size, count: node.count },
          classes: [...(node.count > 1 || node.id.startsWith('group:') ? ['group'] : []), ...hidden(node.id)],
          position: at,
        })),
        ...drawing.edges.map((edge) => ({
          group: 'edges' as const,
          data: { ...edge, width: edgeWidth(edge.status, edge.count) },
          classes: hidden(edge.id),
        })),
      ];
      if (mine !== this.drawId) return false;
      cy.batch(() => cy.elements().remove());
      if (!incremental) {
        const fitted = fitViewport(
          nodes.map(({ at, size }) => ({ ...at, size })),
          cy.width(),
          cy.height(),
          30,
          { min: cy.minZoom(), max: cy.maxZoom() },
        );
        if (fitted) cy.viewport(fitted);
        // Hidden behind the table view: fitted when first shown.
        this.fitWhenShown = !fitted;
      }
      if (!(await addInSlices(cy, elements, () => mine !== this.drawId))) return false;
    } else {
      cy.batch(() => {
        for (const edge of drawing.edges) {
          const element = cy.getElementById(edge.id);
          if (element.data('status') !== edge.status || element.data('label') !== edge.label)
            element.data({ status: edge.status, label: edge.label, width: edgeWidth(edge.status, edge.count) });
        }
        for (const node of drawing.nodes) cy.getElementById(node.id).data('label', node.label);
      });
    }
    cy.batch(() => {
      cy.elements().forEach((element) => {
        const hide = !visible(element.id());
        if (element.hasClass('hidden') !== hide) element.toggleClass('hidden', hide);
      });
    });
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    return mine === this.drawId;
  }

  counts(): { nodes: number; edges: number } {
    return { nodes: this.cy.nodes(':visible').length, edges: this.cy.edges(':visible').length };
  }

  select(id: string | undefined, centre: boolean): void {
    this.cy.elements(':selected').unselect();
    if (!id) return;
    const element = this.cy.getElementById(id);
    if (element.empty()) return;
    element.select();
    if (centre) {
      this.cy.zoom(Math.max(this.cy.zoom(), 1.2));
      this.cy.center(element);
    }
  }

  png(): Blob {
    return this.cy.png({ output: 'blob', bg: '#ffffff', full: true, scale: 2, maxWidth: 8000, maxHeight: 8000 });
  }
}
