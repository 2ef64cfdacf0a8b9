/**
 * DELETE /api/{projectSlug}/{environmentSlug}/resources/{resourceType}/{resourceId}/connections:
 * the platform calls this when it deletes a resource. Every live connection of the resource is
 * soft-deleted, each with its history entry; a repeat finishes an interrupted run.
 */
import { endpoint, json } from '../http/http.ts';
import { count } from '../http/observability.ts';
import { connections } from '../store/connections.ts';

export const handler = endpoint('deleteResourceConnections', async ({ path, principal }) => {
  const deleted = await connections.deleteAllForResource({
    scope: path,
    resource: { type: path.resourceType, id: path.resourceId },
    actor: principal.subject,
  });
  count('ConnectionsDeleted', deleted);
  return json(200, { deleted });
});
