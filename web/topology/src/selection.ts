/**
 * The selection and the side panel: what is selected is drawn selected and described in the panel;
 * a resource inside a closed group opens the groups that hold it. The panel takes focus when the
 * user opens it, and gives it back to what opened it when it closes (Escape, ×, a click beside).
 */
import { byId } from './dom.ts';
import type { Page, Shown } from './page-state.ts';
import { storedToken } from './token.ts';

export function showSelection(page: Page, shown: Shown, reveal: boolean): void {
  const { state, view, panel } = page;
  const selected = state.view.selected;
  byId('graph').dataset.selected = selected ?? '';
  if (!selected) {
    view.select(undefined, false);
    panel.hide();
    return;
  }
  const graph = shown.hierarchy.graph;
  const id = selected.slice(2);
  if (selected.startsWith('n:')) {
    const drawing = shown.plan?.drawing;
    const drawnAs = drawing?.drawnOf.get(id);
    if (drawing?.overview && drawnAs && drawnAs !== id && !state.view.open.has(id)) {
      // Inside a group: open the groups that hold it, it a part of its own in each, then select it.
      const path = shown.hierarchy.pathTo(id, drawing.grouped);
      page.navigate({ open: new Set([...state.view.open, ...path, id]) });
      return;
    }
    view.select(drawnAs ?? id, reveal);
    const inside = drawnAs !== undefined && drawnAs !== id;
    const note = inside ? 'Drawn inside a group: the drawing has no room to open it. Focus to see it.' : undefined;
    panel.showNode(graph, id, state.view, note);
  } else {
    const edge = graph.edges.get(id);
    view.select(id, reveal);
    if (edge) {
      const { project, env } = state.view;
      panel.showEdge({ project, env, token: storedToken() }, edge);
    } else panel.hide();
  }
  if (state.focusPanel && panel.open) byId('panel').focus();
  state.focusPanel = false;
}

/** The user selects `selected` (a click, Enter): the panel opens with focus, to return to `from` when it closes. */
export function pick(page: Page, selected: string, from: Element | null): void {
  const { state } = page;
  if (!page.panel.open) state.opener = from instanceof HTMLElement && from !== document.body ? from : undefined;
  state.focusPanel = true;
  page.navigate({ selected });
}

/** Closes the panel and puts focus back where it was when the panel opened (or its successor, if it was rebuilt). */
export function closePanel(page: Page): void {
  const opener = page.state.opener;
  page.state.opener = undefined;
  const again = opener && (opener.isConnected ? opener : successor(opener));
  again?.focus();
  page.navigate({ selected: undefined });
}

/** A table row's button rebuilt by a refresh: the same row's button now. */
function successor(gone: HTMLElement): HTMLElement | undefined {
  const row = gone.closest<HTMLElement>('[data-edge-id]')?.dataset.edgeId;
  if (row) return document.querySelector<HTMLElement>(`tr[data-edge-id="${CSS.escape(row)}"] button`) ?? undefined;
  return gone.id ? (document.getElementById(gone.id) ?? undefined) : undefined;
}

/** A tap on a bundle: the connections it stands for, in the panel. */
export function showBundle(page: Page, bundle: string): void {
  const shown = page.state.shown;
  const drawing = shown?.plan?.drawing;
  const edge = drawing?.edges.find((e) => e.id === bundle);
  if (!shown || !drawing || !edge) return;
  const { drawnOf } = drawing;
  const edges = shown.hierarchy.edges.filter(
    (e) => drawnOf.get(e.source) === edge.source && drawnOf.get(e.target) === edge.target,
  );
  const name = (id: string) => drawing.nodes.find((n) => n.id === id)?.label.split('\n')[0] ?? id;
  page.panel.showBundle(`${edges.length} connections: ${name(edge.source)} → ${name(edge.target)}`, edges);
  void page.view.settle();
}
