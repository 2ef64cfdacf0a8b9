/**
 * POST /api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}/restore: undoes a
 * soft delete. The connection comes back as pending: its resources must be connected again.
 */
import { endpoint, json } from '#http/http.ts';
import * as routes from '../routes.ts';
import { count } from '#http/observability.ts';
import { etag, parseIfMatch } from '#http/preconditions.ts';
import { table } from '#store/connections.ts';
import { restoreConnection } from '#store/patterns/changes.ts';

export const handler = endpoint(routes.restoreConnection, async ({ path, principal, headers }) => {
  const { connection } = await restoreConnection(table, {
    scope: path,
    id: path.connectionId,
    actor: principal.subject,
    ifMatch: parseIfMatch(headers['if-match']),
  });
  count('ConnectionsRestored');
  return json(200, connection, { etag: etag(connection.version) });
});
