/**
 * The topology page: reads the view from the URL fragment, loads the graph with the user's token,
 * draws it (layout in a worker), and keeps controls, table, panel and fragment in step.
 */
import { ApiProblem, fetchGraph, type Scope } from './api.ts';
import { buildControls } from './controls.ts';
import { byId, el } from './dom.ts';
import { GraphView } from './graph-view.ts';
import {
  endpointsOf,
  fullDrawing,
  groupId,
  SIMPLIFY_AT,
  simplifiedDrawing,
  visibleEdges,
  type Graph,
} from './model.ts';
import { Panel } from './panel.ts';
import { TableView } from './table-view.ts';
import { fragmentOf, parseFragment, type ViewState } from './view-state.ts';
import { bannerLines, summary } from './view-notes.ts';

/** The token lives for the tab's session only, and never in the address bar or a shared view. */
const TOKEN_KEY = 'topology.token';
const storedToken = (): string => sessionStorage.getItem(TOKEN_KEY) ?? '';
function storeToken(token: string): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

const REFRESH_MS = 5000;
const initial = parseFragment(location.hash);
if (initial.token !== undefined) storeToken(initial.token);
const state: ViewState = { ...initial };
delete (state as { token?: string }).token;
// The token leaves the address bar (and the history entry) at once.
history.replaceState(null, '', fragmentOf(state));

const graphBox = byId('graph');
const view = new GraphView(byId('graph-canvas'));
const inputs = buildControls();
const table = new TableView((id) => navigate({ selected: `e:${id}` }, true));
const panel = new Panel({
  selectEdge: (id) => navigate({ selected: `e:${id}` }, true),
  selectNode: (key) => navigate({ selected: `n:${key}` }, true),
  focus: (key) => navigate({ focus: key, selected: `n:${key}` }),
});
let graph: Graph | undefined;
let loadedFor = '';
let generation = 0;
let timer: ReturnType<typeof setInterval> | undefined;

const scope = (): Scope => ({ project: state.project, env: state.env, token: storedToken() });
const dataKey = () =>
  JSON.stringify([state.project, state.env, state.focus, state.depth, state.direction, storedToken()]);

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

function navigate(change: Partial<ViewState>, centre = false): void {
  Object.assign(state, change);
  history.pushState(null, '', fragmentOf(state));
  void apply(centre);
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
  const table = state.view === 'table';
  byId('table-view').hidden = !table;
  byId('graph-view').hidden = table;
  byId('view-toggle').textContent = table ? 'Graph view' : 'Table view';
  byId('view-toggle').setAttribute('aria-pressed', String(table));
}

async function apply(centre = false): Promise<void> {
  syncControls();
  if (dataKey() !== loadedFor) await load(false);
  else await redraw(centre);
}

async function load(silent: boolean): Promise<void> {
  const mine = ++generation;
  if (!state.project || !state.env) return setState('setup', 'Choose a project and an environment, then Load.');
  if (!storedToken()) return setState('no-token', 'No token: paste a bearer token (scope connections:read) and Load.');
  if (!silent) setState('loading', 'Loading the graph…');
  try {
    const focus = state.focus ? { key: state.focus, depth: state.depth, direction: state.direction } : undefined;
    const loaded = await fetchGraph(scope(), focus, (edges) => {
      if (!silent && mine === generation) setState('loading', `Loading the graph… ${edges} connections so far`);
    });
    if (mine !== generation) return;
    graph = loaded;
    loadedFor = dataKey();
    const list = byId('node-list');
    list.replaceChildren(...[...loaded.nodes.keys()].slice(0, 5000).map((key) => el('option', { value: key })));
    await redraw(true);
  } catch (error) {
    if (mine !== generation) return;
    graph = undefined;
    loadedFor = '';
    view.cy.elements().remove();
    delete graphBox.dataset.nodeCount;
    delete graphBox.dataset.edgeCount;
    if (error instanceof ApiProblem && (error.status === 401 || error.status === 403))
      setState('denied', `${error.status} ${error.title}: ${error.detail}`);
    else if (error instanceof ApiProblem) setState('error', `${error.status} ${error.title}: ${error.detail}`);
    else setState('error', `The graph could not be loaded: ${String(error)}`);
  }
}

async function redraw(centre: boolean): Promise<void> {
  if (!graph) return;
  const current = graph;
  const edges = visibleEdges(current, state);
  const nodes = endpointsOf(edges);
  const simplified = nodes.size > SIMPLIFY_AT && !state.all;
  const drawing = simplified ? simplifiedDrawing(current, edges) : fullDrawing(current, [...current.edges.values()]);
  const shown = new Set<string>([...nodes, ...edges.map((edge) => edge.id)]);
  // Banner and summary first: they take height from the graph, and a resize after the drawing
  // would redraw every element once more.
  setBanner(...bannerLines(state, current, nodes.size, simplified, () => navigate({ all: true })));
  byId('summary').textContent = summary(current, edges.length, nodes.size);
  const drawn = await view.draw(drawing, (id) => simplified || shown.has(id));
  if (!drawn || current !== graph) return;
  const counts = view.counts();
  graphBox.dataset.nodeCount = String(counts.nodes);
  graphBox.dataset.edgeCount = String(counts.edges);
  graphBox.dataset.simplified = String(simplified);

  const where = `${state.project}/${state.env}`;
  if (current.edges.size === 0) setState('empty', `No connections in ${where} yet.`);
  else if (edges.length === 0) setState('filtered', 'No connection matches the filters.');
  else setState('ready', '');
  if (state.view === 'table')
    table.show(
      edges,
      `${edges.length} of ${current.edges.size} connections in ${where}${state.focus ? ` around ${state.focus}` : ''}`,
    );
  showSelection(current, simplified, centre);
}

function showSelection(current: Graph, simplified: boolean, centre: boolean): void {
  const selected = state.selected;
  graphBox.dataset.selected = selected ?? '';
  if (!selected) {
    view.select(undefined, false);
    panel.hide();
    return;
  }
  const id = selected.slice(2);
  if (selected.startsWith('n:')) {
    const node = current.nodes.get(id);
    const drawnId = simplified && view.cy.getElementById(id).empty() && node ? groupId(node.resourceType) : id;
    view.select(drawnId, centre);
    panel.showNode(current, id, drawnId === id ? undefined : view.cy.getElementById(drawnId).data('count'));
  } else {
    const edge = current.edges.get(id);
    view.select(id, centre);
    if (edge) panel.showEdge(scope(), edge);
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

function wire(): void {
  byId('scope-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = byId<HTMLInputElement>('token');
    if (token.value.trim()) storeToken(token.value.trim());
    token.value = '';
    const project = byId<HTMLInputElement>('project').value.trim();
    const env = byId<HTMLInputElement>('env').value.trim();
    const moved = project !== state.project || env !== state.env;
    loadedFor = '';
    navigate(moved ? { project, env, focus: undefined, selected: undefined } : {});
  });
  for (const [status, input] of inputs.statuses)
    input.addEventListener('change', () => {
      const statuses = new Set(state.statuses);
      if (input.checked) statuses.add(status);
      else statuses.delete(status);
      navigate({ statuses });
    });
  for (const [type, input] of inputs.types)
    input.addEventListener('change', () => {
      const types = new Set(state.types);
      if (input.checked) types.add(type);
      else types.delete(type);
      navigate({ types });
    });
  byId<HTMLInputElement>('problems-only').addEventListener('change', (e) =>
    navigate({ problemsOnly: (e.target as HTMLInputElement).checked }),
  );
  byId('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const query = byId<HTMLInputElement>('search').value;
    const key = find(query);
    if (key) navigate({ selected: `n:${key}` }, true);
    else setBanner(`No resource matches “${query}”.`);
  });
  byId('focus').addEventListener('click', () => {
    if (state.selected?.startsWith('n:')) navigate({ focus: state.selected.slice(2) });
  });
  byId('unfocus').addEventListener('click', () => navigate({ focus: undefined }));
  for (const id of ['depth', 'direction'])
    byId<HTMLSelectElement>(id).addEventListener('change', () => {
      const depth = Number(byId<HTMLSelectElement>('depth').value) as 1 | 2 | 3;
      const direction = byId<HTMLSelectElement>('direction').value as ViewState['direction'];
      if (state.focus) navigate({ depth, direction });
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
    clearInterval(timer);
    timer = (e.target as HTMLInputElement).checked ? setInterval(() => void load(true), REFRESH_MS) : undefined;
  });
  view.cy.on('tap', (event) => {
    const target = event.target as { id?: () => string; isNode?: () => boolean };
    if (target === view.cy || !target.id) return navigate({ selected: undefined });
    const id = target.id();
    if (id.startsWith('group:') || id.startsWith('fold:')) return;
    navigate({ selected: `${target.isNode!() ? 'n' : 'e'}:${id}` });
  });
  const tooltip = byId('tooltip');
  view.cy.on('mouseover', 'node, edge', (event) => {
    const data = event.target.data();
    tooltip.textContent = event.target.isNode() ? data.label : `${data.source} → ${data.target}: ${data.label}`;
    const { x, y } = event.renderedPosition ?? { x: 0, y: 0 };
    tooltip.style.left = `${x + 12}px`;
    tooltip.style.top = `${y + 12}px`;
    tooltip.hidden = false;
  });
  view.cy.on('mouseout', 'node, edge', () => (tooltip.hidden = true));
  window.addEventListener('popstate', () => {
    Object.assign(state, parseFragment(location.hash), { token: undefined });
    void apply(true);
  });
}

wire();
void apply(true);
