/** GET /api/{projectSlug}/{environmentSlug}/resource-connections: a filtered, paged list. */
import { endpoint, json } from '#http/http.ts';
import * as routes from '../routes.ts';
import { table } from '#store/connections.ts';
import { listConnections } from '#store/patterns/lists.ts';

export const handler = endpoint(routes.listConnections, async ({ path, query }) =>
  json(200, await listConnections(table, { scope: path, query })),
);
