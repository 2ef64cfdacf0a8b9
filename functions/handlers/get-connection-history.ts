/**
 * GET /api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}/history: every
 * change of the connection, oldest first; still readable after it is deleted.
 */
import { endpoint, json } from '#http/http.ts';
import * as routes from '../routes.ts';
import { table } from '#store/connections.ts';
import { listHistory } from '#store/patterns/lists.ts';

export const handler = endpoint(routes.getConnectionHistory, async ({ path, query }) =>
  json(200, await listHistory(table, { scope: path, id: path.connectionId, query })),
);
