/** The same edges as a sortable table: for keyboards, screen readers and anyone who prefers a list. */
import { byId, el, statusChip, when } from './dom.ts';
import type { GraphEdge } from './model.ts';

type Column = 'source' | 'target' | 'status' | 'updatedAt' | 'version';

export class TableView {
  private sortBy: Column = 'source';
  private ascending = true;
  private rows: { edge: GraphEdge; source: string; target: string }[] = [];

  constructor(private readonly onSelect: (edgeId: string) => void) {
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
    const body = byId('graph-table').querySelector('tbody')!;
    body.replaceChildren(
      ...sorted.map(({ edge, source, target }) => {
        const link = el('button', { type: 'button', class: 'link' }, source);
        link.addEventListener('click', () => this.onSelect(edge.id));
        return el(
          'tr',
          { 'data-edge-id': edge.id },
          el('td', {}, link),
          el('td', {}, target),
          el('td', {}, statusChip(edge.status)),
          el('td', {}, el('time', { datetime: edge.updatedAt }, when(edge.updatedAt))),
          el('td', { class: 'number' }, String(edge.version)),
        );
      }),
    );
  }
}
