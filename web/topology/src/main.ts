/**
 * The topology page: reads the view from the URL fragment, loads the graph with the user's token,
 * draws it (every resource, or an overview when that would not be readable), and keeps controls,
 * table, panel, fragment and the published geometry in step.
 */
import { describe, fetchGraph, isDenied, type Scope } from './api.ts';
import { buildControls } from './controls.ts';
import { byId, el } from './dom.ts';
import { GraphView, type Layout } from './graph-view.ts';
import { visibleEdges, type Graph } from './model.ts';
import { fullDrawing, Hierarchy, OVERVIEW_MAX, overviewDrawing, type Drawing } from './overview.ts';
import { Panel } from './panel.ts';
import { TableView } from './table-view.ts';
import { forgetToken, storedToken, storeToken, takeToken } from './token.ts';
import { fragmentOf, parseFragment, type ViewState } from './view-state.ts';
import { bannerLines, summary } from './view-notes.ts';

const REFRESH_MS = 5000;
/** Below this zoom labels are too small to read: the page draws an overview instead. */
const MIN_READABLE_ZOOM = 0.6;
/** A group's box and the gap under it, in model px: the overview's estimate of a column's height. */
const GROUP_PITCH = 90;
/** While a big environment pages in, the picture so far is redrawn at most this often. */
const PARTIAL_EVERY_MS = 3000;

/**
 * Why a drawing is made: a refresh or an opened group keeps what is drawn in place (and a
 * selection, which changes nothing drawn); anything else, or the user's "Lay out again", lays out
 * afresh.
 */
type Reason = 'fresh' | 'refresh' | 'open' | 'relayout';

const state: ViewState = parseFragment(takeToken());
let lastFragment = location.hash;
const graphBox = byId('graph');
const view = new GraphView(byId('graph-canvas'), graphBox, byId('graph-nodes'), {
  settling: () => {
    if (graphBox.dataset.state === 'ready') graphBox.dataset.state = 'settling';
  },
  settled: () => {
    if (graphBox.dataset.state === 'settling') graphBox.dataset.state = 'ready';
  },
});
const inputs = buildControls();
const table = new TableView((id) => navigate({ selected: `e:${id}` }));
const panel = new Panel(
  {
    selectEdge: (id) => navigate({ selected: `e:${id}` }),
    selectNode: (key) => navigate({ selected: `n:${key}` }),
    focus: (key) => navigate({ focus: key, selected: `n:${key}` }),
  },
  () => navigate({ selected: undefined }),
);

let graph: Graph | undefined;
let loadedFor = '';
let loading: AbortController | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
/** The drawing on screen and what it was made from, so a selection alone redraws nothing. */
let drawn: { key: string; drawing: Drawing; hierarchy: Hierarchy } | undefined;
let drawSeq = 0;
let drawBusy = false;

const scope = (): Scope => ({ project: state.project, env: state.env, token: storedToken() });
const dataKey = () =>
  JSON.stringify([state.project, state.env, state.focus, state.depth, state.direction, storedToken()]);
/** What a layout depends on besides the data: a change of any of these lays out afresh. */
const layoutKey = () =>
  JSON.stringify([dataKey(), [...state.statuses], [...state.types], state.problemsOnly, state.view]);

function setState(name: string, message: string): void {
  const box = byId('state');
  box.dataset.state = name;
  graphBox.dataset.state = name;
  box.textContent = message;
  box.hidden = message === '';
}

function setBanner(...lines: (Node | string)[]): void {
  const banner = byId('banner');
  banner.replaceChildren(...lines.map((line) => el('p', {}, line)));
  banner.hidden = lines.length === 0;
}

function navigate(change: Partial<ViewState>, reason: Reason = 'fresh', home?: string): void {
  Object.assign(state, change);
  lastFragment = fragmentOf(state);
  history.pushState(null, '', lastFragment);
  void apply(reason, home);
}

function syncControls(): void {
  byId<HTMLInputElement>('project').value = state.project;
  byId<HTMLInputElement>('env').value = state.env;
  for (const [status, input] of inputs.statuses) input.checked = state.statuses.has(status);
  for (const [type, input] of inputs.types) input.checked = state.types.has(type);
  byId<HTMLInputElement>('problems-only').checked = state.problemsOnly;
  byId<HTMLSelectElement>('depth').value = String(state.depth);
  byId<HTMLSelectElement>('direction').value = state.direction;
  byId('unfocus').hidden = !state.focus;
  byId<HTMLButtonElement>('focus').disabled = !state.selected?.startsWith('n:');
  byId<HTMLButtonElement>('forget-token').disabled = !storedToken();
  const tableShown = state.view === 'table';
  byId('table-view').hidden = !tableShown;
  byId('graph-view').hidden = tableShown;
  byId('view-toggle').textContent = tableShown ? 'Graph view' : 'Table view';
  byId('view-toggle').setAttribute('aria-pressed', String(tableShown));
}

async function apply(reason: Reason = 'fresh', home?: string): Promise<void> {
  syncControls();
  if (dataKey() !== loadedFor) await load(false);
  else await redraw(reason, home);
}

async function load(silent: boolean): Promise<void> {
  // A newer read (a refresh, another environment) replaces the one in flight.
  loading?.abort();
  const mine = (loading = new AbortController());
  clearTimeout(timer);
  if (!state.project || !state.env) return setState('setup', 'Choose a project and an environment, then Load.');
  if (!storedToken()) return setState('no-token', 'No token: paste a bearer token (scope connections:read) and Load.');
  if (!silent) setState('loading', 'Loading the graph…');
  const focus = state.focus ? { key: state.focus, depth: state.depth, direction: state.direction } : undefined;
  let lastPartial = performance.now();
  try {
    const loaded = await fetchGraph(scope(), focus, mine.signal, (partial, done) => {
      if (done || silent || mine.signal.aborted) return;
      setState('loading', `Loading the graph… ${partial.edges.size.toLocaleString('en')} connections so far`);
      // A big environment: show what has arrived, now and then, while the rest pages in.
      if (performance.now() - lastPartial < PARTIAL_EVERY_MS || drawBusy) return;
      lastPartial = performance.now();
      graph = { ...partial, nodes: new Map(partial.nodes), edges: new Map(partial.edges) };
      void redraw('fresh', undefined, true);
    });
    if (mine.signal.aborted) return;
    const refresh = silent && graph !== undefined && loadedFor === dataKey();
    graph = loaded;
    loadedFor = dataKey();
    byId('node-list').replaceChildren(
      ...[...loaded.nodes.keys()].slice(0, 5000).map((key) => el('option', { value: key })),
    );
    await redraw(refresh ? 'refresh' : 'fresh');
  } catch (error) {
    if (mine.signal.aborted) return;
    if (silent && graph) {
      // A refresh that failed leaves the picture as it was, and says so.
      setBanner(`The last refresh failed: ${describe(error)}`);
    } else {
      graph = undefined;
      loadedFor = '';
      drawn = undefined;
      view.clear();
      delete graphBox.dataset.nodeCount;
      delete graphBox.dataset.edgeCount;
      setState(isDenied(error) ? 'denied' : 'error', `The graph could not be loaded: ${describe(error)}`);
    }
  } finally {
    if (loading === mine && byId<HTMLInputElement>('auto-refresh').checked)
      timer = setTimeout(() => void load(true), REFRESH_MS);
  }
}

/** Nodes the drawing area shows readably, and per column: the overview's budget. */
function budget(): { budget: number; perColumn: number } {
  const { height } = view.size();
  const perColumn = Math.max(3, Math.floor((height - 48) / MIN_READABLE_ZOOM / GROUP_PITCH));
  return { perColumn, budget: Math.min(OVERVIEW_MAX, perColumn * 4) };
}

function drawingFor(current: Graph, reason: Reason): { drawing: Drawing; hierarchy: Hierarchy; key: string } {
  const sizeKey = JSON.stringify(budget());
  const key = JSON.stringify([layoutKey(), [...state.open], sizeKey]);
  if (drawn && drawn.key === key && reason !== 'relayout' && drawn.hierarchy.graph === current) return drawn;
  const hierarchy = new Hierarchy(current, visibleEdges(current, state));
  // A refresh or an opened group keeps the kind of picture it had, so nothing jumps between the two.
  const overview =
    hierarchy.resources.length > OVERVIEW_MAX ||
    ((reason === 'refresh' || reason === 'open') && drawn?.drawing.overview === true);
  const drawing = overview ? overviewDrawing(hierarchy, { ...budget(), open: state.open }) : fullDrawing(hierarchy);
  return { drawing, hierarchy, key };
}

async function redraw(reason: Reason, home?: string, partial = false): Promise<void> {
  if (!graph) return;
  const current = graph;
  const mine = ++drawSeq;
  drawBusy = true;
  try {
    let next = drawingFor(current, reason);
    const same = drawn !== undefined && next === drawn;
    const keep = (reason === 'refresh' || reason === 'open') && drawn !== undefined;
    if (!partial && !same) setState('loading', '');
    let layout: Layout | undefined;
    if (!same && state.view === 'graph') {
      layout = await view.prepare(next.drawing, keep, home);
      if (!next.drawing.overview && !keep && view.fitZoom(layout) < MIN_READABLE_ZOOM) {
        next = {
          ...next,
          drawing: overviewDrawing(next.hierarchy, { ...budget(), open: state.open }),
        };
        layout = await view.prepare(next.drawing, false);
      }
      if (mine !== drawSeq || current !== graph) return;
    }
    const { drawing: shownDrawing, hierarchy } = next;
    setBanner(
      ...bannerLines(state, current, shownDrawing, layout?.fresh ?? view.layoutFresh(), {
        collapse: () => navigate({ open: new Set() }),
        relayout: () => void redraw('relayout'),
      }),
    );
    byId('summary').textContent = summary(current, hierarchy.edges.length, hierarchy.resources.length);
    if (layout) await view.show(layout, !keep);
    if (mine !== drawSeq || current !== graph) return;
    drawn = next;
    graphBox.dataset.nodeCount = String(shownDrawing.nodes.length);
    graphBox.dataset.edgeCount = String(shownDrawing.edges.length);
    graphBox.dataset.resources = String(shownDrawing.resources);
    graphBox.dataset.connections = String(shownDrawing.connections);
    graphBox.dataset.overview = String(shownDrawing.overview);
    if (state.view === 'table') {
      const where = `${state.project}/${state.env}${state.focus ? ` around ${state.focus}` : ''}`;
      table.show(hierarchy.edges, `${hierarchy.edges.length} of ${current.edges.size} connections in ${where}`);
    }
    showSelection(current, next, reason !== 'refresh');
    await view.settle();
    if (mine !== drawSeq || current !== graph || partial) return;
    if (current.edges.size === 0) setState('empty', `No connections in ${state.project}/${state.env} yet.`);
    else if (hierarchy.edges.length === 0) setState('filtered', 'No connection matches the filters.');
    else setState('ready', '');
  } catch (error) {
    if (mine === drawSeq) setState('error', `The graph could not be drawn: ${describe(error)}`);
  } finally {
    if (mine === drawSeq) drawBusy = false;
  }
}

function showSelection(current: Graph, shown: { drawing: Drawing; hierarchy: Hierarchy }, reveal: boolean): void {
  const selected = state.selected;
  graphBox.dataset.selected = selected ?? '';
  if (!selected) {
    view.select(undefined, false);
    panel.hide();
    return;
  }
  const id = selected.slice(2);
  if (selected.startsWith('n:')) {
    const drawnAs = shown.drawing.drawnOf.get(id);
    if (drawnAs && drawnAs !== id && shown.drawing.overview) {
      // Inside a group: open the groups that hold it, in place, then select it.
      const path = shown.hierarchy.pathTo(id, shown.drawing.grouped);
      if (path.some((group) => !state.open.has(group))) {
        navigate({ open: new Set([...state.open, ...shown.drawing.opened, ...path]) }, 'open', drawnAs);
        return;
      }
    }
    view.select(drawnAs ?? id, reveal);
    panel.showNode(
      current,
      id,
      drawnAs && drawnAs !== id ? 'Drawn inside a group (the overview is at its limit).' : undefined,
    );
  } else if (selected.startsWith('e:')) {
    const edge = current.edges.get(id);
    view.select(id, reveal);
    if (edge) panel.showEdge(scope(), edge);
    else panel.hide();
  }
}

function find(query: string): string | undefined {
  const q = query.trim().toLowerCase();
  if (!graph || !q) return undefined;
  const nodes = [...graph.nodes.values()];
  return (
    nodes.find((n) => n.key.toLowerCase() === q) ??
    nodes.find((n) => n.resourceId.toLowerCase() === q) ??
    nodes.find((n) => n.key.toLowerCase().includes(q))
  )?.key;
}

/** A tap on an overview edge: the connections it stands for. */
function showBundle(edgeId: string): void {
  const element = view.cy.getElementById(edgeId);
  if (!drawn || element.empty()) return;
  const { source, target } = element.data() as { source: string; target: string };
  const { drawnOf } = drawn.drawing;
  const edges = drawn.hierarchy.edges.filter(
    (e) => drawnOf.get(e.source) === source && drawnOf.get(e.target) === target,
  );
  const name = (id: string) => String(view.cy.getElementById(id).data('label')).split('\n')[0];
  panel.showBundle(`${edges.length} connections: ${name(source)} → ${name(target)}`, edges);
  void view.settle();
}

function wire(): void {
  byId('scope-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = byId<HTMLInputElement>('token');
    storeToken(token.value.trim());
    token.value = '';
    const project = byId<HTMLInputElement>('project').value.trim();
    const env = byId<HTMLInputElement>('env').value.trim();
    const moved = project !== state.project || env !== state.env;
    loadedFor = '';
    navigate(moved ? { project, env, focus: undefined, selected: undefined, open: new Set() } : {});
  });
  byId('forget-token').addEventListener('click', () => {
    forgetToken();
    loading?.abort();
    graph = undefined;
    drawn = undefined;
    loadedFor = '';
    view.clear();
    panel.hide();
    table.show([], 'Connections');
    setBanner();
    byId('summary').textContent = '';
    syncControls();
    setState('no-token', 'The token is forgotten. Paste a bearer token (scope connections:read) and Load.');
  });
  for (const [status, input] of inputs.statuses)
    input.addEventListener('change', () => {
      const statuses = new Set(state.statuses);
      if (input.checked) statuses.add(status);
      else statuses.delete(status);
      navigate({ statuses, open: new Set() });
    });
  for (const [type, input] of inputs.types)
    input.addEventListener('change', () => {
      const types = new Set(state.types);
      if (input.checked) types.add(type);
      else types.delete(type);
      navigate({ types, open: new Set() });
    });
  byId<HTMLInputElement>('problems-only').addEventListener('change', (e) =>
    navigate({ problemsOnly: (e.target as HTMLInputElement).checked, open: new Set() }),
  );
  byId('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const query = byId<HTMLInputElement>('search').value;
    const key = find(query);
    if (key) navigate({ selected: `n:${key}` }, 'open');
    else setBanner(`No resource matches “${query}”.`);
  });
  byId('focus').addEventListener('click', () => {
    if (state.selected?.startsWith('n:')) navigate({ focus: state.selected.slice(2), open: new Set() });
  });
  byId('unfocus').addEventListener('click', () => navigate({ focus: undefined, open: new Set() }));
  for (const id of ['depth', 'direction'])
    byId<HTMLSelectElement>(id).addEventListener('change', () => {
      const depth = Number(byId<HTMLSelectElement>('depth').value) as 1 | 2 | 3;
      const direction = byId<HTMLSelectElement>('direction').value as ViewState['direction'];
      if (state.focus) navigate({ depth, direction, open: new Set() });
      else Object.assign(state, { depth, direction });
    });
  byId('view-toggle').addEventListener('click', () => navigate({ view: state.view === 'table' ? 'graph' : 'table' }));
  byId('export-png').addEventListener('click', () => {
    const link = el('a', {
      href: URL.createObjectURL(view.png()),
      download: `topology-${state.project}-${state.env}.png`,
    });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  });
  byId<HTMLInputElement>('auto-refresh').addEventListener('change', (e) => {
    clearTimeout(timer);
    if ((e.target as HTMLInputElement).checked) timer = setTimeout(() => void load(true), REFRESH_MS);
  });
  view.cy.on('tap', (event) => {
    // What it described may be gone (an opened group).
    byId('tooltip').hidden = true;
    const target = event.target as { id?: () => string; isNode?: () => boolean; hasClass?: (c: string) => boolean };
    if (target === view.cy || !target.id) return navigate({ selected: undefined }, 'open');
    const id = target.id();
    // Opening one group keeps every group open that is open now, so nothing else changes.
    if (target.isNode!() && target.hasClass!('group'))
      return navigate({ open: new Set([...state.open, ...(drawn?.drawing.opened ?? []), id]) }, 'open', id);
    if (!target.isNode!() && !graph?.edges.has(id)) return showBundle(id);
    navigate({ selected: `${target.isNode!() ? 'n' : 'e'}:${id}` }, 'open');
  });
  const tooltip = byId('tooltip');
  view.cy.on('mouseover', 'node, edge', (event) => {
    const data = event.target.data();
    tooltip.textContent = event.target.isNode()
      ? `${String(data.label).replace('\n', ': ')}${event.target.hasClass('group') ? ' (click to open)' : ''}`
      : `${data.source} → ${data.target}: ${data.label}`;
    const { x, y } = event.renderedPosition ?? { x: 0, y: 0 };
    tooltip.style.left = `${x + 12}px`;
    tooltip.style.top = `${y + 12}px`;
    tooltip.hidden = false;
  });
  view.cy.on('mouseout', 'node, edge', () => (tooltip.hidden = true));
  // The back button, and a link pasted into the open page: its token is taken and cleared too.
  const followFragment = () => {
    if (location.hash === lastFragment) return;
    Object.assign(state, parseFragment(takeToken()));
    lastFragment = location.hash;
    void apply('fresh');
  };
  window.addEventListener('popstate', followFragment);
  window.addEventListener('hashchange', followFragment);
}

wire();
void apply();
