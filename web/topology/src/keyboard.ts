/**
 * The drawing by keyboard: the list of drawn nodes ([data-testid="graph-nodes"]) is a listbox that
 * takes focus after the drawing; its active option is marked in the drawing. Arrow keys move to a
 * neighbour (right: what it connects to, left: what connects to it, up and down: the nearest node
 * that way), Home and End to the first and last; Enter or Space selects a resource (the panel
 * opens with focus, and Escape brings it back here) or opens a group. Each option reads its type,
 * id and connection counts.
 */
import type { GraphView } from './graph-view.ts';
import type { Layout } from './layouts.ts';

export interface NodeKeyActions {
  /** Enter on a node: select it, or open it if it is a group. */
  choose(id: string, from: HTMLElement): void;
}

export class NodeKeys {
  private active: string | undefined;

  constructor(
    private readonly list: HTMLElement,
    private readonly area: HTMLElement,
    private readonly view: GraphView,
    private readonly actions: NodeKeyActions,
  ) {
    list.addEventListener('focus', () => this.enter());
    list.addEventListener('blur', () => {
      area.classList.remove('keyboard');
      view.mark(undefined);
    });
    list.addEventListener('keydown', (event) => this.key(event));
  }

  /** After a new drawing: the same node stays active when it is still drawn, else the first of its parts (a group just opened), else the first. */
  redrawn(): void {
    const ids = this.view.lists.ids();
    if (this.active !== undefined && !this.view.lists.option(this.active))
      this.active = ids.find((id) => id.startsWith(`${this.active}|`));
    if (document.activeElement === this.list) this.enter();
  }

  private enter(): void {
    const ids = this.view.lists.ids();
    const selected = ids.find((id) => this.view.lists.option(id)?.getAttribute('aria-selected') === 'true');
    this.move(this.active ?? selected ?? ids[0]);
    this.area.classList.add('keyboard');
  }

  private key(event: KeyboardEvent): void {
    const ids = this.view.lists.ids();
    if (!this.active || ids.length === 0) return;
    let next: string | undefined;
    if (event.key.startsWith('Arrow')) next = this.view.step(this.active, event.key) ?? this.active;
    else if (event.key === 'Home') next = ids[0];
    else if (event.key === 'End') next = ids[ids.length - 1];
    else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.actions.choose(this.active, this.list);
      return;
    } else return;
    event.preventDefault();
    this.move(next);
  }

  private move(id: string | undefined): void {
    this.active = id;
    const option = id === undefined ? undefined : this.view.lists.option(id);
    if (option) this.list.setAttribute('aria-activedescendant', option.id);
    else this.list.removeAttribute('aria-activedescendant');
    if (document.activeElement === this.list) this.view.mark(id);
  }
}

/**
 * The node an arrow key moves to from `from` in `layout`: right to what it connects to, left to
 * what connects to it (the nearest such first), else the nearest node that way.
 */
export function neighbourTo(from: string, key: string, layout: Layout): string | undefined {
  const { boxes, drawing } = layout;
  const start = boxes.get(from);
  if (!start) return undefined;
  const [dx, dy] = STEPS[key] ?? [0, 0];
  const linked = new Set(
    drawing.edges.flatMap((edge) =>
      dx > 0 && edge.source === from ? [edge.target] : dx < 0 && edge.target === from ? [edge.source] : [],
    ),
  );
  let best: [number, string] | undefined;
  for (const [id, box] of boxes) {
    const [x, y] = [box.x + box.w / 2 - (start.x + start.w / 2), box.y + box.h / 2 - (start.y + start.h / 2)];
    const along = x * dx + y * dy;
    if (id === from || along <= 0) continue;
    const score = along + 3 * Math.abs(dx ? y : x) - (linked.has(id) ? 1e6 : 0);
    if (!best || score < best[0]) best = [score, id];
  }
  return best?.[1];
}

const STEPS: Record<string, readonly [number, number]> = {
  ArrowRight: [1, 0],
  ArrowLeft: [-1, 0],
  ArrowDown: [0, 1],
  ArrowUp: [0, -1],
};
