/** GET /api/{projectSlug}/{environmentSlug}/resource-connections: a filtered, paged list. */
import { endpoint, json } from '../http/http.ts';
import { repository } from '../store/service.ts';

const connections = repository();

export const handler = endpoint('listConnections', async ({ path, query }) =>
  json(200, await connections.list(path, query)),
);
