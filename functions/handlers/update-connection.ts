/**
 * PATCH /api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}: moves the status
 * along the transition table and merges `details` (RFC 7396), optionally on If-Match.
 */
import { endpoint, json } from '../shared/http.ts';
import { count } from '../shared/observability.ts';
import { etag, parseIfMatch } from '../shared/preconditions.ts';
import { repository } from '../shared/service.ts';

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
