/** GET /api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}. */
import { endpoint, json } from '#http/http.ts';
import * as routes from '../routes.ts';
import { etag } from '#http/preconditions.ts';
import { table } from '#store/connections.ts';
import { readConnection } from '#store/patterns/change.ts';

export const handler = endpoint(routes.getConnection, async ({ path, query }) => {
  const connection = await readConnection(table, {
    scope: path,
    id: path.connectionId,
    includeDeleted: query.includeDeleted,
  });
  return json(200, connection, { etag: etag(connection.version) });
});
