/**
 * A change of view: written to the fragment (so it can be shared and the back button works), shown
 * in the controls, then read or drawn as needed.
 */
import { byId } from './dom.ts';
import { draw } from './drawing.ts';
import { load } from './loading.ts';
import { dataKey, type Page, type Reason } from './page-state.ts';
import { storedToken, takeToken } from './token.ts';
import { fragmentOf, parseFragment, type ViewState } from './view-state.ts';
import { RESOURCE_TYPES, STATUSES } from './model.ts';

export function navigate(page: Page, change: Partial<ViewState>, reason: Reason = 'fresh'): void {
  Object.assign(page.state.view, change);
  page.state.fragment = fragmentOf(page.state.view);
  history.pushState(null, '', page.state.fragment);
  void apply(page, reason);
}

/** The back button, or a link pasted into the open page (its token is taken and cleared too). */
export function followFragment(page: Page): void {
  if (location.hash === page.state.fragment) return;
  Object.assign(page.state.view, parseFragment(takeToken()));
  page.state.fragment = location.hash;
  void apply(page, 'fresh');
}

export async function apply(page: Page, reason: Reason = 'fresh'): Promise<void> {
  syncControls(page);
  if (dataKey(page.state) !== page.state.loadedFor) await load(page, false);
  else await draw(page, reason);
}

function syncControls({ state: { view }, inputs }: Page): void {
  byId<HTMLInputElement>('project').value = view.project;
  byId<HTMLInputElement>('env').value = view.env;
  // A loaded token is never shown again; the field says there is one.
  byId<HTMLInputElement>('token').placeholder = storedToken() ? 'token loaded' : 'paste a token';
  for (const [status, input] of inputs.statuses) input.checked = view.statuses.has(status);
  for (const [type, input] of inputs.types) input.checked = view.types.has(type);
  const hidden = STATUSES.length - view.statuses.size + RESOURCE_TYPES.length - view.types.size;
  byId('filters-toggle').textContent = hidden ? `Filters (${hidden} off)` : 'Filters';
  byId<HTMLInputElement>('problems-only').checked = view.problemsOnly;
  byId<HTMLButtonElement>('forget-token').disabled = !storedToken();
  const tableShown = view.view === 'table';
  byId('table-view').hidden = !tableShown;
  byId('graph-view').hidden = tableShown;
  byId('view-toggle').textContent = tableShown ? 'Graph view' : 'Table view';
  byId('view-toggle').setAttribute('aria-pressed', String(tableShown));
}
