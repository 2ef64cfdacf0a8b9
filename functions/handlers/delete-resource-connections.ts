/**
 * DELETE /api/{projectSlug}/{environmentSlug}/resources/{resourceType}/{resourceId}/connections:
 * the platform calls this when it deletes a resource. Every live connection of the resource is
 * soft-deleted, each with its history entry; a repeat finishes an interrupted run.
 */
import { endpoint, json } from '../http/http.ts';
import { count } from '../http/observability.ts';
import { repository } from '../store/service.ts';

const connections = repository();

export const handler = endpoint('deleteResourceConnections', async ({ path, principal }) => {
  const deleted = await connections.deleteAllForResource(
    path,
    { type: path.resourceType, id: path.resourceId },
    principal.subject,
  );
  count('ConnectionsDeleted', deleted);
  return json(200, { deleted });
});
