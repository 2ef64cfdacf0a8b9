/**
 * The view lives in the URL fragment, so a view can be shared and the back button works; the
 * fragment never reaches a server. The token may arrive in it once, and is then moved to
 * sessionStorage and taken out of the address bar: it is never part of a shared view.
 */
import { RESOURCE_TYPES, STATUSES, type ResourceType, type Status } from './model.ts';

/**
 * Project and environment slugs (docs/api.md; test/unit/topology-model.test.ts checks this is the
 * service's own pattern). A fragment's project or environment that does not match is ignored, so
 * the page never asks for a path like `/api/../..`.
 */
export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const slug = (value: string | null) => (value !== null && SLUG.test(value) ? value : '');

export type Direction = 'in' | 'out' | 'both';

export interface ViewState {
  project: string;
  env: string;
  /** A node key: the view shows that resource's neighbourhood, from the API. */
  focus: string | undefined;
  depth: 1 | 2 | 3;
  direction: Direction;
  statuses: Set<Status>;
  types: Set<ResourceType>;
  problemsOnly: boolean;
  /** `n:<node key>` or `e:<connection id>`. */
  selected: string | undefined;
  view: 'graph' | 'table';
  /** Overview groups the user opened, and resources searched for (the groups holding them open around them). */
  open: Set<string>;
}

function listOf<T extends string>(value: string | null, allowed: readonly T[]): Set<T> {
  if (value === null) return new Set(allowed);
  return new Set(value.split(',').filter((item): item is T => (allowed as readonly string[]).includes(item)));
}

export function parseFragment(hash: string): ViewState & { token: string | undefined } {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const depth = Number(params.get('depth'));
  const direction = params.get('dir');
  return {
    project: slug(params.get('project')),
    env: slug(params.get('env')),
    token: params.get('token') ?? undefined,
    focus: params.get('focus') || undefined,
    depth: depth === 2 || depth === 3 ? depth : 1,
    direction: direction === 'in' || direction === 'out' ? direction : 'both',
    statuses: listOf(params.get('status'), STATUSES),
    types: listOf(params.get('types'), RESOURCE_TYPES),
    problemsOnly: params.get('problems') === '1',
    selected: params.get('sel') || undefined,
    view: params.get('view') === 'table' ? 'table' : 'graph',
    open: new Set((params.get('open') ?? '').split(',').filter(Boolean)),
  };
}

/** The fragment of a view: only what differs from the defaults, and never the token. */
export function fragmentOf(state: ViewState): string {
  const params = new URLSearchParams();
  params.set('project', state.project);
  params.set('env', state.env);
  if (state.focus) {
    params.set('focus', state.focus);
    params.set('depth', String(state.depth));
    params.set('dir', state.direction);
  }
  if (state.statuses.size !== STATUSES.length) params.set('status', [...state.statuses].join(','));
  if (state.types.size !== RESOURCE_TYPES.length) params.set('types', [...state.types].join(','));
  if (state.problemsOnly) params.set('problems', '1');
  if (state.selected) params.set('sel', state.selected);
  if (state.view === 'table') params.set('view', 'table');
  if (state.open.size) params.set('open', [...state.open].join(','));
  return `#${params}`;
}
