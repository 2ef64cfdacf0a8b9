/** What the controls, the drawing and the keyboard do: each a change of view (navigation.ts) or of the selection. */
import { byId, el } from './dom.ts';
import { draw } from './drawing.ts';
import { forget, scheduleRefresh } from './loading.ts';
import { apply, followFragment } from './navigation.ts';
import type { Page } from './page-state.ts';
import { closePanel, pick, showBundle } from './selection.ts';
import { forgetToken, storeToken } from './token.ts';
import { setBanner, setStatus } from './view-notes.ts';

export function wire(page: Page): void {
  wireScope(page);
  wireFilters(page);
  wireSearch(page);
  wireDrawing(page);
  wireKeys(page);
  byId('view-toggle').addEventListener('click', () =>
    page.navigate({ view: page.state.view.view === 'table' ? 'graph' : 'table' }),
  );
  byId('export-png').addEventListener('click', () => exportPng(page));
  byId('auto-refresh').addEventListener('change', () => scheduleRefresh(page));
  window.addEventListener('popstate', () => followFragment(page));
  window.addEventListener('hashchange', () => followFragment(page));
  // The window decides how much is drawn: a new size, a new plan (once the resizing stops).
  let resizing: ReturnType<typeof setTimeout> | undefined;
  window.addEventListener('resize', () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => void draw(page, 'fresh'), 250);
  });
}

function wireScope(page: Page): void {
  const { state } = page;
  byId('scope-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = byId<HTMLInputElement>('token');
    storeToken(token.value.trim());
    token.value = '';
    const project = byId<HTMLInputElement>('project').value.trim();
    const env = byId<HTMLInputElement>('env').value.trim();
    const moved = project !== state.view.project || env !== state.view.env;
    state.loadedFor = '';
    page.navigate(moved ? { project, env, focus: undefined, selected: undefined, open: new Set() } : {});
  });
  byId('forget-token').addEventListener('click', () => {
    forgetToken();
    forget(page);
    page.panel.hide();
    page.table.show([], 'Connections');
    setBanner();
    byId('summary').textContent = '';
    void apply(page);
    setStatus('no-token', 'The token is forgotten. Paste a bearer token (scope connections:read) and Load.');
  });
}

function wireFilters(page: Page): void {
  const { state, inputs } = page;
  const toggled = <T>(set: ReadonlySet<T>, item: T, on: boolean) => {
    const next = new Set(set);
    if (on) next.add(item);
    else next.delete(item);
    return next;
  };
  for (const [status, input] of inputs.statuses)
    input.addEventListener('change', () =>
      page.navigate({ statuses: toggled(state.view.statuses, status, input.checked), open: new Set() }),
    );
  for (const [type, input] of inputs.types)
    input.addEventListener('change', () =>
      page.navigate({ types: toggled(state.view.types, type, input.checked), open: new Set() }),
    );
  byId<HTMLInputElement>('problems-only').addEventListener('change', (e) =>
    page.navigate({ problemsOnly: (e.target as HTMLInputElement).checked, open: new Set() }),
  );
  const toggle = byId('filters-toggle');
  toggle.addEventListener('click', () => showFilters(toggle.getAttribute('aria-expanded') !== 'true'));
  // A click elsewhere closes the filters, as a menu would.
  document.addEventListener('pointerdown', (event) => {
    if (!byId('filters').hidden && !(event.target as Element).closest('.filters')) showFilters(false);
  });
}

function showFilters(open: boolean): void {
  byId('filters-toggle').setAttribute('aria-expanded', String(open));
  byId('filters').hidden = !open;
}

function wireSearch(page: Page): void {
  byId('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const query = byId<HTMLInputElement>('search').value;
    const key = find(page, query);
    if (key) pick(page, `n:${key}`, byId('search'));
    else setBanner(`No resource matches “${query}”.`);
  });
}

function find(page: Page, query: string): string | undefined {
  const q = query.trim().toLowerCase();
  const graph = page.state.graph;
  if (!graph || !q) return undefined;
  const nodes = [...graph.nodes.values()];
  return (
    nodes.find((n) => n.key.toLowerCase() === q) ??
    nodes.find((n) => n.resourceId.toLowerCase() === q) ??
    nodes.find((n) => n.key.toLowerCase().includes(q))
  )?.key;
}

/** A node, group or edge clicked, and what the pointer is over. */
function wireDrawing(page: Page): void {
  const { view } = page;
  const tooltip = byId('tooltip');
  view.cy.on('tap', (event) => {
    // What it described may be gone (an opened group).
    tooltip.hidden = true;
    const target = event.target as { id?: () => string; isNode?: () => boolean; data?: (key: string) => string };
    if (target === view.cy || !target.id) return page.navigate({ selected: undefined });
    if (target.isNode!()) return chooseNode(page, target.id(), null);
    const bundle = target.data!('bundle');
    if (page.state.graph?.edges.has(bundle)) pick(page, `e:${bundle}`, null);
    else showBundle(page, bundle);
  });
  view.cy.on('mouseover', 'node, edge', (event) => {
    const data = event.target.data();
    tooltip.textContent = event.target.isNode()
      ? `${String(data.label).replace(/\n/g, ', ')}${event.target.hasClass('group') ? ' (click to open)' : ''}`
      : `${data.source} → ${data.target}: ${data.label}`;
    const { x, y } = event.renderedPosition ?? { x: 0, y: 0 };
    tooltip.style.left = `${x + 12}px`;
    tooltip.style.top = `${y + 12}px`;
    tooltip.hidden = false;
  });
  view.cy.on('mouseout', 'node, edge', () => (tooltip.hidden = true));
}

/** A drawn node chosen (a click, Enter): a group opens (with the groups around it), a resource is selected. */
export function chooseNode(page: Page, id: string, from: HTMLElement | null): void {
  const drawn = page.state.shown?.plan?.drawing.nodes.find((node) => node.id === id);
  if (!drawn?.group) return pick(page, `n:${id}`, from);
  // Its id holds the ids of the groups it is in: opening them all reopens the same picture from a link.
  const path = id.split('|').map((_, i, parts) => parts.slice(0, i + 1).join('|'));
  page.navigate({ open: new Set([...page.state.view.open, ...path]) });
}

function wireKeys(page: Page): void {
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    if (!byId('filters').hidden) {
      showFilters(false);
      byId('filters-toggle').focus();
    } else if (page.panel.open) closePanel(page);
    else return;
    event.preventDefault();
  });
}

function exportPng(page: Page): void {
  const { project, env } = page.state.view;
  const link = el('a', { href: URL.createObjectURL(page.view.png()), download: `topology-${project}-${env}.png` });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
