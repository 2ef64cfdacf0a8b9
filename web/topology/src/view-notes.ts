/** The lines above the graph: what the view shows and why (focus, truncation, simplification). */
import { el } from './dom.ts';
import { SIMPLIFY_AT, type Graph } from './model.ts';
import type { ViewState } from './view-state.ts';

export function bannerLines(
  state: ViewState,
  current: Graph,
  nodes: number,
  simplified: boolean,
  drawAll: () => void,
): (Node | string)[] {
  const lines: (Node | string)[] = [];
  if (state.focus)
    lines.push(
      `Focused on ${state.focus}: depth ${state.depth}, direction ${state.direction} (from the API's neighbourhood query).`,
    );
  if (current.truncated)
    lines.push('Truncated: the neighbourhood has more than 1,000 connections; only the first 1,000 are drawn.');
  if (simplified) {
    const all = el('button', { type: 'button' }, 'Draw every resource');
    all.addEventListener('click', drawAll);
    lines.push(
      el(
        'span',
        {},
        `Simplified: ${nodes} resources are more than ${SIMPLIFY_AT}, so healthy resources are grouped by type; every failed, connecting or disconnected connection is drawn singly. Filter, search or focus to see single resources. `,
        all,
      ),
    );
  }
  return lines;
}

/** "17 resources, 15 connections shown (of 15): 9 connected, 2 failed, …" */
export function summary(current: Graph, edges: number, nodes: number): string {
  const byStatus = new Map<string, number>();
  for (const edge of current.edges.values()) byStatus.set(edge.status, (byStatus.get(edge.status) ?? 0) + 1);
  const parts = [...byStatus].sort((a, b) => b[1] - a[1]).map(([status, count]) => `${count} ${status}`);
  return `Showing ${nodes} resources and ${edges} of ${current.edges.size} connections${parts.length ? ` (${parts.join(', ')})` : ''}.`;
}
