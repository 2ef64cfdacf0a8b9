/**
 * DELETE /api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}: a soft delete.
 * The record and its history stay; the pair may be connected again.
 */
import { endpoint, noContent } from '../shared/http.ts';
import { count } from '../shared/observability.ts';
import { parseIfMatch } from '../shared/preconditions.ts';
import { repository } from '../shared/service.ts';

const connections = repository();

export const handler = endpoint('deleteConnection', async ({ path, principal, headers }) => {
    await connections.delete(path, path.connectionId, principal.subject, parseIfMatch(headers['if-match']));
    count('ConnectionsDeleted');
    return noContent();
  },
);
