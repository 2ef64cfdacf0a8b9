/**
 * POST /api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}/restore: undoes a
 * soft delete. The connection comes back as pending: its resources must be connected again.
 */
import { endpoint, json } from '../http/http.ts';
import { count } from '../http/observability.ts';
import { etag, parseIfMatch } from '../http/preconditions.ts';
import { repository } from '../store/service.ts';

const connections = repository();

export const handler = endpoint('restoreConnection', async ({ path, principal, headers }) => {
  const { connection } = await connections.restore(
    path,
    path.connectionId,
    principal.subject,
    parseIfMatch(headers['if-match']),
  );
  count('ConnectionsRestored');
  return json(200, connection, { etag: etag(connection.version) });
});
