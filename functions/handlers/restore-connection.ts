/**
 * POST /api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}/restore: undoes a
 * soft delete. The connection comes back as pending: its resources must be connected again.
 */
import { endpoint, json } from '#http/http.ts';
import { count } from '#http/observability.ts';
import { etag, parseIfMatch } from '#http/preconditions.ts';
import { connections } from '#store/connections.ts';

export const handler = endpoint('restoreConnection', async ({ path, principal, headers }) => {
  const { connection } = await connections.restore({
    scope: path,
    id: path.connectionId,
    actor: principal.subject,
    ifMatch: parseIfMatch(headers['if-match']),
  });
  count('ConnectionsRestored');
  return json(200, connection, { etag: etag(connection.version) });
});
