/**
 * DELETE /api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}: a soft delete.
 * The record and its history stay; the pair may be connected again.
 */
import { endpoint, noContent } from '#http/http.ts';
import { count } from '#http/observability.ts';
import { parseIfMatch } from '#http/preconditions.ts';
import { connections } from '#store/connections.ts';

export const handler = endpoint('deleteConnection', async ({ path, principal, headers }) => {
  await connections.delete({
    scope: path,
    id: path.connectionId,
    actor: principal.subject,
    ifMatch: parseIfMatch(headers['if-match']),
  });
  count('ConnectionsDeleted');
  return noContent();
});
