/**
 * The side panel, beside the drawing (never on it): a resource's connections grouped by status,
 * worst first; a connection as it is now (status, deadline, reason, details, version) above its
 * history; or the connections one overview edge stands for.
 */
import { describe, fetchConnection, fetchHistory, type Connection, type HistoryEntry, type Scope } from './api.ts';
import { byId, deadlineView, el, refreshDeadlines, statusChip } from './dom.ts';
import { when } from './times.ts';
import { SEVERITY, type Graph, type GraphEdge } from './model.ts';
import { neighbourhoodForm, type Around } from './neighbourhood-form.ts';
import type { Direction } from './view-state.ts';

export interface PanelActions {
  selectEdge(id: string): void;
  selectNode(key: string): void;
  focus(key: string, depth: 1 | 2 | 3, direction: Direction): void;
}

/** Connections listed per status before "and n more". */
const LISTED = 100;
/** How often an open panel's "in 4 min" is brought up to date. */
const DEADLINE_TICK_MS = 10_000;

export class Panel {
  private shown = '';
  /** What the panel was built from: a refresh with news rebuilds it, one without leaves it be. */
  private from: unknown;
  private reading: AbortController | undefined;

  constructor(
    private readonly actions: PanelActions,
    onClose: () => void,
  ) {
    byId('panel-close').addEventListener('click', onClose);
    setInterval(() => {
      if (this.open) refreshDeadlines(byId('panel-body'));
    }, DEADLINE_TICK_MS);
  }

  get open(): boolean {
    return !byId('panel').hidden;
  }

  hide(): void {
    this.reading?.abort();
    this.shown = '';
    byId('panel').hidden = true;
  }

  showNode(graph: Graph, key: string, around: Around, note?: string): void {
    const node = graph.nodes.get(key);
    const edges = [...graph.edges.values()].filter((e) => e.source === key || e.target === key);
    // Rebuilt only when what it shows changed: a refresh without news keeps it, and the focus in it.
    const from = JSON.stringify([note, around, edges.map((e) => [e.id, e.version, e.status, e.statusDeadline])]);
    if (this.shown === `n:${key}` && this.from === from) return;
    this.from = from;
    this.open_(
      `n:${key}`,
      el('h2', {}, node ? `${node.resourceType} ${node.resourceId}` : key),
      note ? el('p', { class: 'note' }, note) : '',
      neighbourhoodForm(key, around, (depth, direction) => this.actions.focus(key, depth, direction)),
      el('h3', {}, `${edges.length} connection${edges.length === 1 ? '' : 's'}`),
      ...this.byStatus(edges, key),
    );
  }

  /** The connections an overview edge stands for. */
  showBundle(title: string, edges: readonly GraphEdge[]): void {
    this.open_(`b:${title}`, el('h2', {}, title), ...this.byStatus(edges));
  }

  showEdge(scope: Scope, edge: GraphEdge): void {
    const id = `e:${edge.id}`;
    if (this.shown === id && this.from === edge.version) return;
    this.from = edge.version;
    const end = (key: string) => {
      const button = el('button', { type: 'button', class: 'link' }, key);
      button.addEventListener('click', () => this.actions.selectNode(key));
      return button;
    };
    const now = el('dl', { 'data-testid': 'connection-now', 'aria-busy': 'true' }, ...this.facts(edge));
    const history = el('ol', { class: 'history', 'aria-busy': 'true' }, el('li', {}, 'Loading the history…'));
    this.open_(
      id,
      el('h2', {}, 'Connection'),
      el('p', {}, end(edge.source), ' → ', end(edge.target)),
      now,
      el('h3', {}, 'History'),
      history,
    );
    const signal = this.reading!.signal;
    fetchConnection(scope, edge.id, signal).then(
      (connection) => {
        if (this.shown !== id) return;
        now.setAttribute('aria-busy', 'false');
        now.replaceChildren(...this.facts(edge, connection));
      },
      (error: unknown) => {
        if (this.shown !== id || signal.aborted) return;
        now.setAttribute('aria-busy', 'false');
        now.append(el('dt', {}, 'Now'), el('dd', { class: 'error' }, `Could not be read: ${describe(error)}`));
      },
    );
    fetchHistory(scope, edge.id, signal).then(
      (entries) => {
        if (this.shown !== id) return;
        history.setAttribute('aria-busy', 'false');
        history.replaceChildren(...entries.map(historyItem));
      },
      (error: unknown) => {
        if (this.shown !== id || signal.aborted) return;
        history.setAttribute('aria-busy', 'false');
        history.replaceChildren(el('li', { class: 'error' }, `The history could not be read: ${describe(error)}`));
      },
    );
  }

  /** Status, deadline, reason, details and version: from the graph at once, from the connection itself once read. */
  private facts(edge: GraphEdge, connection?: Connection): HTMLElement[] {
    const row = (term: string, ...value: (Node | string)[]) => [el('dt', {}, term), el('dd', {}, ...value)];
    const current = connection ?? edge;
    const waiting = current.status === 'pending' || current.status === 'connecting';
    // A waiting connection stored before deadlines existed has none (docs/deadlines.md).
    const deadline = current.statusDeadline
      ? deadlineView(current.statusDeadline, Date.now())
      : 'none (stored before deadlines existed)';
    return [
      ...row('Status', statusChip(current.status)),
      ...(waiting || current.statusDeadline ? row('Deadline', deadline) : []),
      ...row('Reason', connection ? (connection.statusReason ?? '—') : '…'),
      ...row(
        'Details',
        connection
          ? Object.keys(connection.details).length
            ? el('pre', { class: 'details' }, JSON.stringify(connection.details, null, 2))
            : '—'
          : '…',
      ),
      ...row('Version', String(current.version)),
      ...row('Updated', el('time', { datetime: current.updatedAt }, when(current.updatedAt))),
      ...(connection ? row('By', connection.updatedBy) : []),
      ...row('Id', el('code', {}, edge.id)),
    ];
  }

  /** One section per status, worst first; `from` (a resource) shows each connection's other end. */
  private byStatus(edges: readonly GraphEdge[], from?: string): HTMLElement[] {
    return SEVERITY.flatMap((status) => {
      const list = edges
        .filter((edge) => edge.status === status)
        .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
      if (!list.length) return [];
      const rows = list.slice(0, LISTED).map((edge) => {
        const outgoing = edge.source === from;
        const open = el(
          'button',
          { type: 'button', class: 'link' },
          from === undefined ? `${edge.source} → ${edge.target}` : outgoing ? edge.target : edge.source,
        );
        open.addEventListener('click', () => this.actions.selectEdge(edge.id));
        return el(
          'li',
          { 'data-testid': 'panel-connection', 'data-edge-id': edge.id, 'data-status': edge.status },
          from === undefined
            ? ''
            : el(
                'span',
                { class: 'direction', title: outgoing ? 'it connects to' : 'connects to it' },
                outgoing ? '→ ' : '← ',
              ),
          open,
          el('br'),
          el(
            'small',
            {},
            'updated ',
            el('time', { datetime: edge.updatedAt }, when(edge.updatedAt)),
            ...(edge.statusDeadline
              ? [el('br'), 'deadline ', deadlineView(edge.statusDeadline, Date.now(), true)]
              : []),
          ),
        );
      });
      const more = list.length > LISTED ? [el('li', { class: 'note' }, `and ${list.length - LISTED} more`)] : [];
      return [
        el('h4', { class: 'status-heading' }, statusChip(status), ` ${list.length}`),
        el('ul', { class: 'connections', 'data-status': status }, ...rows, ...more),
      ];
    });
  }

  private open_(id: string, ...content: (Node | string)[]): void {
    this.reading?.abort();
    this.reading = new AbortController();
    this.shown = id;
    byId('panel-body').replaceChildren(...content);
    const panel = byId('panel');
    panel.hidden = false;
    panel.dataset.showing = id;
  }
}

function historyItem(entry: HistoryEntry): HTMLElement {
  return el(
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
  );
}

function show(value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (typeof value !== 'string') return JSON.stringify(value);
  // Timestamps (a deadline, deletedAt) read as everywhere else on the page.
  return /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(value) ? when(value) : value;
}
