/**
 * DELETE /api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}: a soft delete.
 * The record and its history stay; the pair may be connected again.
 */
import { endpoint, noContent } from '../http/http.ts';
import { count } from '../http/observability.ts';
import { parseIfMatch } from '../http/preconditions.ts';
import { repository } from '../store/service.ts';

const connections = repository();

export const handler = endpoint('deleteConnection', async ({ path, principal, headers }) => {
  await connections.delete(path, path.connectionId, principal.subject, parseIfMatch(headers['if-match']));
  count('ConnectionsDeleted');
  return noContent();
});
