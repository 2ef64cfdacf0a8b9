/**
 * PATCH /api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}: moves the status
 * along the transition table and merges `details` (RFC 7396), optionally on If-Match.
 */
import { endpoint, json } from '../http/http.ts';
import { count } from '../http/observability.ts';
import { etag, parseIfMatch } from '../http/preconditions.ts';
import { repository } from '../store/service.ts';

const connections = repository();

export const handler = endpoint('updateConnection', async ({ path, body, principal, headers }) => {
  const { connection, changes } = await connections.update(
    path,
    path.connectionId,
    body,
    principal.subject,
    parseIfMatch(headers['if-match']),
  );
  if (changes.status) count('StatusChanges');
  return json(200, connection, { etag: etag(connection.version) });
});
