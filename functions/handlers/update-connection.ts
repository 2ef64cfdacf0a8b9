/**
 * PATCH /api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}: moves the status
 * along the transition table and merges `details` (RFC 7396), optionally on If-Match.
 */
import { endpoint, json } from '#http/http.ts';
import * as routes from '../routes.ts';
import { count } from '#http/observability.ts';
import { etag, parseIfMatch } from '#http/preconditions.ts';
import { table } from '#store/connections.ts';
import { updateConnection } from '#store/patterns/changes.ts';

export const handler = endpoint(routes.updateConnection, async ({ path, body, principal, headers }) => {
  const { connection, changes } = await updateConnection(table, {
    scope: path,
    id: path.connectionId,
    patch: body,
    actor: principal.subject,
    ifMatch: parseIfMatch(headers['if-match']),
  });
  if (changes.status) count('StatusChanges');
  return json(200, connection, { etag: etag(connection.version) });
});
