/**
 * From data to the picture on screen: which drawing (plan.ts), where (a new layout, or the one on
 * screen for new data), then the notes, the table, the selection and the panel. `receive` is the
 * way new data for the view on screen comes in, from a refresh or any other source.
 */
import { describe } from './api.ts';
import { byId } from './dom.ts';
import type { Size } from './layouts.ts';
import { Hierarchy } from './hierarchy.ts';
import { visibleEdges, type Graph } from './model.ts';
import { drawingKey, type Page, type Reason, type Shown } from './page-state.ts';
import { drawingLike, plan, readable } from './plan.ts';
import { showSelection } from './selection.ts';
import { summary } from './summary.ts';
import { bannerLines, setBanner, setStatus } from './view-notes.ts';

/** The panel's width and the banner's most height, in CSS px (main.ts gives them to both). */
export const PANEL_WIDTH = 300;
export const BANNER_ROOM = 44;

/**
 * The room the window gives the drawing: its area with the banner at its highest, whatever the
 * panel does (graph-view.ts keeps labels readable beside the panel, panning to the selection when
 * the drawing is wider than what is left).
 */
export function room(): Size {
  const stage = byId('stage');
  return { width: stage.clientWidth, height: stage.clientHeight - BANNER_ROOM };
}

/** New data for the view on screen (a refresh, or pushed changes): recoloured in place, new resources placed beside their neighbours. */
export function receive(page: Page, graph: Graph): Promise<void> {
  page.state.graph = graph;
  return draw(page, 'refresh');
}

export async function draw(page: Page, reason: Reason, partial = false): Promise<void> {
  const { state, view } = page;
  const graph = state.graph;
  if (!graph) return;
  const mine = ++state.drawSeq;
  state.drawBusy = true;
  try {
    const next = await choose(page, graph, reason, partial);
    if (mine !== state.drawSeq || graph !== state.graph) return;
    const changed = next !== state.shown;
    if (changed) {
      if (!partial) setStatus('loading', '');
      if (next.plan) await view.show(next.plan.layout, reason !== 'refresh');
      if (mine !== state.drawSeq || graph !== state.graph) return;
      state.shown = next;
      describeDrawing(page, next, graph);
    }
    showSelection(page, next, reason !== 'refresh');
    await view.settle();
    if (mine !== state.drawSeq || graph !== state.graph || partial) return;
    if (graph.edges.size === 0) setStatus('empty', `No connections in ${state.view.project}/${state.view.env} yet.`);
    else if (next.hierarchy.edges.length === 0) setStatus('filtered', 'No connection matches the filters.');
    else setStatus('ready', '');
  } catch (error) {
    if (mine === state.drawSeq) setStatus('error', `The graph could not be drawn: ${describe(error)}`);
  } finally {
    if (mine === state.drawSeq) state.drawBusy = false;
  }
}

/** The drawing for the view: the one on screen when nothing it depends on changed, else a new one. */
async function choose(page: Page, graph: Graph, reason: Reason, partial: boolean): Promise<Shown> {
  const { state, view } = page;
  const size = room();
  const key = drawingKey(state, size);
  const before = state.shown;
  if (before?.key === key && before.hierarchy.graph === graph && reason !== 'relayout') return before;
  const hierarchy = new Hierarchy(graph, visibleEdges(graph, state.view));
  if (state.view.view !== 'graph') return { key, room: size, hierarchy, plan: undefined };
  if (reason === 'refresh' && before?.key === key && before.plan) {
    const drawing = drawingLike(before.plan, hierarchy, state.view.open);
    const layout = view.keepLayout(drawing);
    // Drawn in place while that stays readable; otherwise laid out afresh.
    if (layout && readable(layout, size))
      return { key, room: size, hierarchy, plan: { ...before.plan, drawing, layout } };
  }
  // While a big environment pages in, one try: the picture so far is only for the wait.
  const tries = partial ? 1 : undefined;
  const chosen = await plan(hierarchy, state.view.open, size, (drawing) => view.layOut(drawing, size), tries);
  return { key, room: size, hierarchy, plan: chosen };
}

/** The summary, the banner, the counts on the drawing area, and the table. */
function describeDrawing(page: Page, shown: Shown, graph: Graph): void {
  const { state, table } = page;
  const { hierarchy } = shown;
  const area = byId('graph');
  const drawing = shown.plan?.drawing;
  setBanner(
    ...bannerLines(state.view, graph, drawing, page.view.layoutFresh(), {
      collapse: () => page.navigate({ open: new Set() }),
      relayout: () => void draw(page, 'relayout'),
      unfocus: () => page.navigate({ focus: undefined, open: new Set() }),
    }),
  );
  byId('summary').textContent = summary(hierarchy, graph);
  if (drawing) {
    // The room it was planned for: a new window size gives a new plan (tests and the benchmark wait on it).
    area.dataset.room = `${shown.room.width}x${shown.room.height}`;
    area.dataset.nodeCount = String(drawing.nodes.length);
    area.dataset.edgeCount = String(drawing.edges.length);
    area.dataset.resources = String(drawing.resources);
    area.dataset.connections = String(drawing.connections);
    area.dataset.overview = String(drawing.overview);
  } else {
    const { project, env, focus } = state.view;
    const where = `${project}/${env}${focus ? ` around ${focus}` : ''}`;
    table.show(hierarchy.edges, `${hierarchy.edges.length} of ${graph.edges.size} connections in ${where}`);
  }
}
