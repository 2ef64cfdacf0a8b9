/** The lines above the graph: what the view shows and why (focus, truncation, overview, a layout to tidy). */
import { el } from './dom.ts';
import { nearDeadline, type Graph } from './model.ts';
import type { Drawing } from './overview.ts';
import type { ViewState } from './view-state.ts';

export interface NoteActions {
  collapse(): void;
  relayout(): void;
}

const button = (label: string, action: () => void, testId: string) => {
  const element = el('button', { type: 'button', 'data-testid': testId }, label);
  element.addEventListener('click', action);
  return element;
};

export function bannerLines(
  state: ViewState,
  current: Graph,
  drawing: Drawing,
  layoutFresh: boolean,
  actions: NoteActions,
): (Node | string)[] {
  const lines: (Node | string)[] = [];
  if (state.focus)
    lines.push(
      `Focused on ${state.focus}: depth ${state.depth}, direction ${state.direction} (from the API's neighbourhood query).`,
    );
  if (current.truncated)
    lines.push('Truncated: the neighbourhood has more than 1,000 connections; only the first 1,000 are drawn.');
  if (drawing.overview)
    lines.push(
      el(
        'span',
        {},
        `Overview: ${drawing.resources.toLocaleString('en')} resources are too many to read at once, so they are grouped by type and by what they hang off; a ring and the second line say what is in trouble. Click a group to open it, or select a resource and Focus. `,
        ...(state.open.size ? [button('Close every group', actions.collapse, 'collapse')] : []),
      ),
    );
  if (drawing.capped) lines.push('Some groups stay closed: an overview draws at most 150 nodes. Focus to see more.');
  if (!layoutFresh)
    lines.push(
      el(
        'span',
        {},
        'New nodes were placed beside what they belong to and nothing else moved; removed ones left gaps. ',
        button('Lay out again', actions.relayout, 'relayout'),
      ),
    );
  return lines;
}

/** "Showing 17 resources and 15 of 15 connections (9 connected, 2 failed, …; 1 near its deadline)." */
export function summary(current: Graph, edges: number, nodes: number): string {
  const byStatus = new Map<string, number>();
  let near = 0;
  for (const edge of current.edges.values()) {
    byStatus.set(edge.status, (byStatus.get(edge.status) ?? 0) + 1);
    if (nearDeadline(edge, current.readAt)) near++;
  }
  const parts = [...byStatus]
    .sort((a, b) => b[1] - a[1])
    .map(([status, count]) => `${count.toLocaleString('en')} ${status}`);
  const deadlines = near ? `; ${near.toLocaleString('en')} near ${near === 1 ? 'its deadline' : 'their deadline'}` : '';
  return `Showing ${nodes.toLocaleString('en')} resources and ${edges.toLocaleString('en')} of ${current.edges.size.toLocaleString('en')} connections${parts.length ? ` (${parts.join(', ')}${deadlines})` : ''}.`;
}
