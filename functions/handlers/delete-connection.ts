/**
 * DELETE /api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}: a soft delete.
 * The record and its history stay; the pair may be connected again.
 */
import { endpoint, noContent } from '#http/http.ts';
import * as routes from '../routes.ts';
import { count } from '#http/observability.ts';
import { parseIfMatch } from '#http/preconditions.ts';
import { table } from '#store/connections.ts';
import { deleteConnection } from '#store/patterns/changes.ts';

export const handler = endpoint(routes.deleteConnection, async ({ path, principal, headers }) => {
  await deleteConnection(table, {
    scope: path,
    id: path.connectionId,
    actor: principal.subject,
    ifMatch: parseIfMatch(headers['if-match']),
  });
  count('ConnectionsDeleted');
  return noContent();
});
