/**
 * The drawing in words, for assistive tools and tests: `[data-testid="graph-nodes"]`, one option
 * per drawn node in reading order (a listbox the keyboard moves through: keyboard.ts), with its
 * box on screen, its label's height and its connections; and `[data-testid="graph-edges"]`, one
 * item per drawn edge or bundle with every status inside it and the statuses its drawing shows.
 */
import { el } from './dom.ts';
import { TYPE_LOOK, type Status } from './model.ts';
import type { Drawing, DrawnEdge, DrawnNode } from './drawn.ts';
import type { Box } from './placement.ts';

/** Where a node is on screen: its box (left top width height, CSS px of the viewport) and its label's height. */
export interface Placed {
  readonly box: readonly [number, number, number, number];
  /** 0 when the label is not drawn (zoomed out past readable). */
  readonly labelPx: number;
}

const counts = (statuses: readonly [Status, number][]) => statuses.map(([status, n]) => `${status}:${n}`).join(' ');
const inWords = (statuses: readonly [Status, number][]) =>
  statuses.map(([status, n]) => `${n.toLocaleString('en')} ${status}`).join(', ');
const round = (value: number) => String(Math.round(value * 10) / 10);

/** "instance (server) i-web-1: 3 connections, 1 failed, 2 connected"; a group says so first. */
export function describeNode(node: DrawnNode): string {
  const total = node.statuses.reduce((sum, [, n]) => sum + n, 0);
  const connections = `${total.toLocaleString('en')} connection${total === 1 ? '' : 's'}, ${inWords(node.statuses)}`;
  if (node.group) return `group: ${node.label.split('\n')[0]}: ${connections}`;
  return `${TYPE_LOOK[node.resourceType].label} ${node.label}: ${connections}`;
}

export function describeEdge(edge: DrawnEdge, name: (id: string) => string): string {
  return `${name(edge.source)} → ${name(edge.target)}: ${inWords(edge.statuses)}`;
}

export class GraphLists {
  private options = new Map<string, HTMLLIElement>();

  constructor(
    private readonly nodes: HTMLElement,
    private readonly edges: HTMLElement,
  ) {}

  /** A new drawing: its nodes in `order` (reading order), its edges as drawn (a bundle: one strand per status). */
  build(drawing: Drawing, order: readonly string[]): void {
    const byId = new Map(drawing.nodes.map((node) => [node.id, node] as const));
    this.options = new Map(
      order.map((id, i) => {
        const node = byId.get(id)!;
        const attributes: Record<string, string> = {
          id: `graph-node-${i}`,
          role: 'option',
          'aria-selected': 'false',
          'data-key': id,
          'data-statuses': counts(node.statuses),
        };
        // A group's ring shows every status of its connections.
        if (node.group) attributes['data-drawn'] = node.statuses.map(([status]) => status).join(' ');
        return [id, el('li', attributes, describeNode(node))] as const;
      }),
    );
    this.nodes.replaceChildren(...this.options.values());
    // An empty listbox is an error to assistive tools: the list takes its role only with options.
    if (order.length) {
      this.nodes.setAttribute('role', 'listbox');
      this.nodes.tabIndex = 0;
    } else this.clearRole();
    const name = (id: string) => byId.get(id)?.label.split('\n')[0] ?? id;
    this.edges.replaceChildren(
      ...drawing.edges.map((edge) =>
        el(
          'li',
          {
            'data-key': edge.id,
            'data-source': edge.source,
            'data-target': edge.target,
            'data-statuses': counts(edge.statuses),
            'data-drawn': edge.statuses.map(([status]) => status).join(' '),
          },
          describeEdge(edge, name),
        ),
      ),
    );
  }

  /** Boxes and label heights, after every layout and viewport change. */
  place(placed: ReadonlyMap<string, Placed>): void {
    for (const [id, li] of this.options) {
      const at = placed.get(id);
      if (!at) continue;
      li.dataset.box = at.box.map(round).join(' ');
      li.dataset.labelPx = round(at.labelPx);
    }
  }

  option(id: string): HTMLLIElement | undefined {
    return this.options.get(id);
  }

  ids(): string[] {
    return [...this.options.keys()];
  }

  markSelected(id: string | undefined): void {
    for (const [key, li] of this.options) li.setAttribute('aria-selected', String(key === id));
  }

  clear(): void {
    this.options.clear();
    this.nodes.replaceChildren();
    this.edges.replaceChildren();
    this.clearRole();
  }

  private clearRole(): void {
    this.nodes.removeAttribute('role');
    this.nodes.removeAttribute('tabindex');
    this.nodes.removeAttribute('aria-activedescendant');
  }
}

/** Left to right by column, then top to bottom: the order a reader takes the drawing in. */
export function readingOrder(boxes: ReadonlyMap<string, Box>): string[] {
  const column = (box: Box) => Math.round((box.x + box.w / 2) / 60);
  return [...boxes].sort(([a, x], [b, y]) => column(x) - column(y) || x.y - y.y || (a < b ? -1 : 1)).map(([id]) => id);
}
