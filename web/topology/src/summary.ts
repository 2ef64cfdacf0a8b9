/** The summary line: what the view shows, counted. Pure, so the unit tests run it without a DOM. */
import type { Hierarchy } from './hierarchy.ts';
import { breakdown, nearDeadline, type Graph } from './model.ts';

/** "Showing 17 resources and 15 of 15 connections (2 failed, 1 connecting, …; 1 near its deadline)": what is shown, counted. */
export function summary(shown: Hierarchy, current: Graph): string {
  const near = shown.edges.filter((edge) => nearDeadline(edge, current.readAt)).length;
  const parts = breakdown(shown.edges.map((edge) => edge.status)).map(
    ([status, count]) => `${count.toLocaleString('en')} ${status}`,
  );
  const deadlines = near ? `; ${near.toLocaleString('en')} near ${near === 1 ? 'its deadline' : 'their deadline'}` : '';
  const [resources, edges] = [shown.resources.length, shown.edges.length].map((n) => n.toLocaleString('en'));
  return `Showing ${resources} resources and ${edges} of ${current.edges.size.toLocaleString('en')} connections${parts.length ? ` (${parts.join(', ')}${deadlines})` : ''}.`;
}
