/** GET /api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}. */
import { endpoint, json } from '../http/http.ts';
import { etag } from '../http/preconditions.ts';
import { repository } from '../store/service.ts';

const connections = repository();

export const handler = endpoint('getConnection', async ({ path, query }) => {
  const connection = await connections.get(path, path.connectionId, query.includeDeleted);
  return json(200, connection, { etag: etag(connection.version) });
});
