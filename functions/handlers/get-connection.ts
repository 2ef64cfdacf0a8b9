/** GET /api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}. */
import { endpoint, json } from '#http/http.ts';
import { etag } from '#http/preconditions.ts';
import { connections } from '#store/connections.ts';

export const handler = endpoint('getConnection', async ({ path, query }) => {
  const connection = await connections.get({
    scope: path,
    id: path.connectionId,
    includeDeleted: query.includeDeleted,
  });
  return json(200, connection, { etag: etag(connection.version) });
});
