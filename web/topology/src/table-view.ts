/** The same edges as a sortable table: for keyboards, screen readers and anyone who prefers a list. */
import { byId, deadlineView, el, refreshDeadlines, statusChip } from './dom.ts';
import { when } from './times.ts';
import type { GraphEdge } from './model.ts';

type Column = 'source' | 'target' | 'status' | 'statusDeadline' | 'updatedAt' | 'version';

const ROWS_PER_FRAME = 150;
const afterNextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

export class TableView {
  private sortBy: Column = 'source';
  private ascending = true;
  private rows: { edge: GraphEdge; source: string; target: string }[] = [];
  private rendering = 0;

  constructor(private readonly onSelect: (edgeId: string, from: HTMLElement) => void) {
    for (const th of byId('graph-table').querySelectorAll<HTMLTableCellElement>('th[data-sort]')) {
      th.querySelector('button')!.addEventListener('click', () => {
        const column = th.dataset.sort as Column;
        this.ascending = this.sortBy === column ? !this.ascending : true;
        this.sortBy = column;
        this.render();
      });
    }
  }

  show(edges: readonly GraphEdge[], caption: string): void {
    this.rows = edges.map((edge) => ({ edge, source: edge.source, target: edge.target }));
    byId('table-caption').textContent = caption;
    this.render();
  }

  private render(): void {
    const key = (row: (typeof this.rows)[number]): string | number => {
      if (this.sortBy === 'source' || this.sortBy === 'target') return row[this.sortBy];
      // Connections without a deadline after every deadline, whichever way the column sorts.
      if (this.sortBy === 'statusDeadline') return row.edge.statusDeadline ?? (this.ascending ? '~' : '');
      return row.edge[this.sortBy];
    };
    const sorted = [...this.rows].sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      const order = x < y ? -1 : x > y ? 1 : a.edge.id < b.edge.id ? -1 : 1;
      return this.ascending ? order : -order;
    });
    for (const th of byId('graph-table').querySelectorAll<HTMLTableCellElement>('th[data-sort]')) {
      if (th.dataset.sort === this.sortBy) th.setAttribute('aria-sort', this.ascending ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
    void this.fill(byId('graph-table').querySelector('tbody')!, sorted, ++this.rendering, Date.now());
  }

  /**
   * Writes the rows a slice per frame: 2,000 rows built and laid out at once were one task of
   * half a second, mostly the table's layout. Rows are replaced in place, so a refresh keeps the
   * table's height and scroll position; a row whose connection did not change is kept (only its
   * deadline's words brought up to date), and with it the focus on it. A newer render() (a sort,
   * a refresh) stops this one.
   */
  private async fill(body: HTMLTableSectionElement, rows: typeof this.rows, mine: number, now: number): Promise<void> {
    for (let i = 0; i < rows.length; i += ROWS_PER_FRAME) {
      if (i > 0) await afterNextFrame();
      if (mine !== this.rendering) return;
      rows.slice(i, i + ROWS_PER_FRAME).forEach((row, j) => {
        const old = body.rows[i + j];
        if (old?.dataset.edgeId === row.edge.id && old.dataset.version === String(row.edge.version))
          refreshDeadlines(old);
        else if (old) old.replaceWith(this.row(row, now));
        else body.append(this.row(row, now));
      });
    }
    while (body.rows.length > rows.length) body.rows[body.rows.length - 1]!.remove();
  }

  private row({ edge, source, target }: (typeof this.rows)[number], now: number): HTMLTableRowElement {
    const link = el('button', { type: 'button', class: 'link' }, source);
    link.addEventListener('click', () => this.onSelect(edge.id, link));
    return el(
      'tr',
      { 'data-edge-id': edge.id, 'data-version': String(edge.version) },
      el('td', {}, link),
      el('td', {}, target),
      el('td', {}, statusChip(edge.status)),
      el('td', {}, edge.statusDeadline ? deadlineView(edge.statusDeadline, now, true) : '—'),
      el('td', {}, el('time', { datetime: edge.updatedAt }, when(edge.updatedAt))),
      el('td', { class: 'number' }, String(edge.version)),
    );
  }
}
