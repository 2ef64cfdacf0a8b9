/**
 * Reading the graph: the whole environment page by page (a big one drawn now and then while it
 * arrives) or one neighbourhood. A newer read aborts the one in flight; a refresh that fails leaves
 * the picture as it was, and says so. What keeps it current afterwards (pushed changes, or a read
 * every few seconds) is live.ts's.
 */
import { describe, fetchGraph, isDenied } from './api.ts';
import { byId } from './dom.ts';
import { draw, listResources, receive } from './drawing.ts';
import { keepCurrent, watch, withChanges } from './live.ts';
import type { Graph } from './model.ts';
import { dataKey, type Page } from './page-state.ts';
import { storedToken } from './token.ts';
import { setBanner, setStatus } from './view-notes.ts';

/** While a big environment pages in, the picture so far is redrawn at most this often. */
const PARTIAL_EVERY_MS = 3000;

export async function load(page: Page, silent: boolean): Promise<void> {
  const { state } = page;
  state.loading?.abort();
  const mine = (state.loading = new AbortController());
  clearTimeout(state.timer);
  state.reading = undefined;
  watch(page);
  const { project, env, focus, depth, direction } = state.view;
  if (!project || !env) return setStatus('setup', 'Choose a project and an environment, then Load.');
  if (!storedToken()) return setStatus('no-token', 'No token: paste a bearer token (scope connections:read) and Load.');
  if (!silent) setStatus('loading', 'Loading the graph…');
  // Read once subscribed, so that the read need not be repeated to catch up (unless that takes long).
  state.reading = 'waiting';
  await state.live.ready;
  if (mine.signal.aborted) return;
  state.reading = 'reading';
  state.denied = false;
  const around = focus ? { key: focus, depth, direction } : undefined;
  const scope = { project, env, token: storedToken() };
  try {
    const read = await fetchGraph(scope, around, mine.signal, silent ? undefined : partials(page, mine.signal));
    if (mine.signal.aborted) return;
    state.reading = undefined;
    // What was pushed while it was read, on top (each change only if newer than what the read found).
    const loaded = withChanges(page, read);
    const refresh = silent && state.graph !== undefined && state.loadedFor === dataKey(state);
    state.loadedFor = dataKey(state);
    if (refresh) await receive(page, loaded);
    else {
      state.graph = loaded;
      listResources(loaded);
      await draw(page, 'fresh');
    }
  } catch (error) {
    if (mine.signal.aborted) return;
    state.denied = isDenied(error);
    failed(page, error, silent);
  } finally {
    if (state.loading === mine && !mine.signal.aborted) {
      state.reading = undefined;
      if (state.live.catchUp) {
        state.live.catchUp = false;
        void load(page, true);
      } else keepCurrent(page);
    }
  }
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
