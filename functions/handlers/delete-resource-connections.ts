/**
 * DELETE /api/{projectSlug}/{environmentSlug}/resources/{resourceType}/{resourceId}/connections:
 * the platform calls this when it deletes a resource. Every live connection of the resource is
 * soft-deleted, each with its history entry. Its work is bounded by time: 200 `complete: true` once
 * no live connection of the resource remains, else 202 `complete: false` with Retry-After.
 */
import { endpoint, json } from '#http/http.ts';
import * as routes from '../routes.ts';
import { count } from '#http/observability.ts';
import { table } from '#store/connections.ts';
import { CASCADE_TIME_BUDGET_MS, deleteAllForResource } from '#store/patterns/cascade.ts';
import { stopAt } from '../time-left.ts';

export const handler = endpoint(routes.deleteResourceConnections, async ({ path, principal }, _event, context) => {
  const { deleted, complete } = await deleteAllForResource(table, {
    scope: path,
    resource: { type: path.resourceType, id: path.resourceId },
    actor: principal.subject,
    // Its budget, and never past what the function's own timeout leaves to answer.
    stopAt: stopAt(context, table.cascadeTimeBudgetMs ?? CASCADE_TIME_BUDGET_MS),
  });
  count('ConnectionsDeleted', deleted);
  // Out of time with live connections left: the caller repeats, and each repeat goes on from there.
  return complete ? json(200, { deleted, complete }) : json(202, { deleted, complete }, { 'retry-after': '1' });
});
