/** The side panel: a resource's connections (status, updatedAt), or a connection and its history. */
import { ApiProblem, fetchHistory, type Scope } from './api.ts';
import { byId, el, statusChip, when } from './dom.ts';
import type { Graph, GraphEdge } from './model.ts';

export interface PanelActions {
  selectEdge(id: string): void;
  selectNode(key: string): void;
  focus(key: string): void;
}

export class Panel {
  private shown = '';

  constructor(private readonly actions: PanelActions) {
    byId('panel-close').addEventListener('click', () => this.hide());
  }

  hide(): void {
    this.shown = '';
    byId('panel').hidden = true;
  }

  showNode(graph: Graph, key: string, groupOf?: number): void {
    const node = graph.nodes.get(key);
    const edges = [...graph.edges.values()].filter((e) => e.source === key || e.target === key);
    const focus = el('button', { type: 'button' }, 'Focus on its neighbourhood');
    focus.addEventListener('click', () => this.actions.focus(key));
    const rows = edges
      .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))
      .map((edge) => {
        const outgoing = edge.source === key;
        const other = outgoing ? edge.target : edge.source;
        const open = el('button', { type: 'button', class: 'link' }, other);
        open.addEventListener('click', () => this.actions.selectEdge(edge.id));
        return el(
          'li',
          { 'data-testid': 'panel-connection', 'data-edge-id': edge.id },
          el(
            'span',
            { class: 'direction', title: outgoing ? 'it connects to' : 'connects to it' },
            outgoing ? '→ ' : '← ',
          ),
          open,
          ' ',
          statusChip(edge.status),
          el('br'),
          el('small', {}, 'updated ', el('time', { datetime: edge.updatedAt }, when(edge.updatedAt))),
        );
      });
    this.open(
      `n:${key}`,
      el('h2', {}, node ? `${node.resourceType} ${node.resourceId}` : key),
      groupOf ? el('p', { class: 'note' }, `Drawn inside a group of ${groupOf} resources.`) : '',
      focus,
      el('h3', {}, `${edges.length} connection${edges.length === 1 ? '' : 's'}`),
      el('ul', { class: 'connections' }, ...rows),
    );
  }

  showEdge(scope: Scope, edge: GraphEdge): void {
    const end = (key: string) => {
      const button = el('button', { type: 'button', class: 'link' }, key);
      button.addEventListener('click', () => this.actions.selectNode(key));
      return button;
    };
    const history = el('ol', { class: 'history', 'aria-busy': 'true' }, el('li', {}, 'Loading the history…'));
    const id = `e:${edge.id}`;
    this.open(
      id,
      el('h2', {}, 'Connection'),
      el('p', {}, end(edge.source), ' → ', end(edge.target)),
      el(
        'dl',
        {},
        el('dt', {}, 'Status'),
        el('dd', {}, statusChip(edge.status)),
        el('dt', {}, 'Updated'),
        el('dd', {}, el('time', { datetime: edge.updatedAt }, when(edge.updatedAt))),
        el('dt', {}, 'Version'),
        el('dd', {}, String(edge.version)),
        el('dt', {}, 'Id'),
        el('dd', {}, el('code', {}, edge.id)),
      ),
      el('h3', {}, 'History'),
      history,
    );
    fetchHistory(scope, edge.id).then(
      (entries) => {
        if (this.shown !== id) return;
        history.setAttribute('aria-busy', 'false');
        history.replaceChildren(
          ...entries.map((entry) =>
            el(
              'li',
              { 'data-testid': 'history-entry' },
              el('strong', {}, `v${entry.version} ${entry.action}`),
              ' by ',
              entry.actor,
              el('br'),
              el('small', {}, el('time', { datetime: entry.at }, when(entry.at))),
              ...Object.entries(entry.changes ?? {}).map(([field, change]) =>
                el('div', { class: 'change' }, `${field}: ${show(change.from)} → ${show(change.to)}`),
              ),
            ),
          ),
        );
      },
      (error: unknown) => {
        if (this.shown !== id) return;
        history.setAttribute('aria-busy', 'false');
        const message = error instanceof ApiProblem ? `${error.status} ${error.title}: ${error.detail}` : String(error);
        history.replaceChildren(el('li', { class: 'error' }, `The history could not be read: ${message}`));
      },
    );
  }

  private open(id: string, ...content: (Node | string)[]): void {
    this.shown = id;
    byId('panel-body').replaceChildren(...content);
    const panel = byId('panel');
    panel.hidden = false;
    panel.dataset.showing = id;
  }
}

function show(value: unknown): string {
  if (value === undefined || value === null) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
