/** GET /api/{projectSlug}/{environmentSlug}/resource-connections: a filtered, paged list. */
import { endpoint, json } from '#http/http.ts';
import { connections } from '#store/connections.ts';

export const handler = endpoint('listConnections', async ({ path, query }) =>
  json(200, await connections.list({ scope: path, query })),
);
