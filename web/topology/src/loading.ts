/**
 * Reading the graph: the whole environment page by page (a big one drawn now and then while it
 * arrives) or one neighbourhood, then every REFRESH_MS while auto-refresh is on. A newer read
 * aborts the one in flight; a refresh that fails leaves the picture as it was, and says so.
 */
import { describe, fetchGraph, isDenied } from './api.ts';
import { byId, el } from './dom.ts';
import { draw, receive } from './drawing.ts';
import type { Graph } from './model.ts';
import { dataKey, type Page } from './page-state.ts';
import { storedToken } from './token.ts';
import { setBanner, setStatus } from './view-notes.ts';

const REFRESH_MS = 5000;
/** While a big environment pages in, the picture so far is redrawn at most this often. */
const PARTIAL_EVERY_MS = 3000;

export async function load(page: Page, silent: boolean): Promise<void> {
  const { state } = page;
  state.loading?.abort();
  const mine = (state.loading = new AbortController());
  clearTimeout(state.timer);
  const { project, env, focus, depth, direction } = state.view;
  if (!project || !env) return setStatus('setup', 'Choose a project and an environment, then Load.');
  if (!storedToken()) return setStatus('no-token', 'No token: paste a bearer token (scope connections:read) and Load.');
  if (!silent) setStatus('loading', 'Loading the graph…');
  const around = focus ? { key: focus, depth, direction } : undefined;
  const scope = { project, env, token: storedToken() };
  try {
    const loaded = await fetchGraph(scope, around, mine.signal, silent ? undefined : partials(page, mine.signal));
    if (mine.signal.aborted) return;
    const refresh = silent && state.graph !== undefined && state.loadedFor === dataKey(state);
    state.loadedFor = dataKey(state);
    byId('node-list').replaceChildren(
      ...[...loaded.nodes.keys()].slice(0, 5000).map((key) => el('option', { value: key })),
    );
    if (refresh) await receive(page, loaded);
    else {
      state.graph = loaded;
      await draw(page, 'fresh');
    }
  } catch (error) {
    if (!mine.signal.aborted) failed(page, error, silent);
  } finally {
    if (state.loading === mine) scheduleRefresh(page);
  }
}

/** Sets or clears the next refresh, as the auto-refresh switch says. */
export function scheduleRefresh(page: Page): void {
  clearTimeout(page.state.timer);
  if (byId<HTMLInputElement>('auto-refresh').checked)
    page.state.timer = setTimeout(() => void load(page, true), REFRESH_MS);
}

/** Forgets the data and the drawing (a refused read, a forgotten token). */
export function forget(page: Page): void {
  const { state, view } = page;
  state.loading?.abort();
  state.graph = undefined;
  state.loadedFor = '';
  state.shown = undefined;
  view.clear();
  const area = byId('graph');
  delete area.dataset.nodeCount;
  delete area.dataset.edgeCount;
}

/** While pages arrive: the count so far, and now and then a drawing of what has arrived. */
function partials(page: Page, signal: AbortSignal) {
  let last = performance.now();
  return (partial: Graph, done: boolean) => {
    if (done || signal.aborted) return;
    setStatus('loading', `Loading the graph… ${partial.edges.size.toLocaleString('en')} connections so far`);
    if (performance.now() - last < PARTIAL_EVERY_MS || page.state.drawBusy) return;
    last = performance.now();
    page.state.graph = { ...partial, nodes: new Map(partial.nodes), edges: new Map(partial.edges) };
    void draw(page, 'fresh', true);
  };
}

function failed(page: Page, error: unknown, silent: boolean): void {
  if (silent && page.state.graph) {
    setBanner(`The last refresh failed: ${describe(error)}`);
    return;
  }
  forget(page);
  setStatus(isDenied(error) ? 'denied' : 'error', `The graph could not be loaded: ${describe(error)}`);
}
