/** GET /api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}. */
import { endpoint, json } from '../shared/http.ts';
import { etag } from '../shared/preconditions.ts';
import { repository } from '../shared/service.ts';

const connections = repository();

export const handler = endpoint('getConnection', async ({ path, query }) => {
    const connection = await connections.get(path, path.connectionId, query.includeDeleted);
    return json(200, connection, { etag: etag(connection.version) });
  },
);
