/**
 * GET /api/{projectSlug}/{environmentSlug}/resources/{resourceType}/{resourceId}/connections: every
 * connection in which the resource is the source or the target.
 */
import { endpoint, json } from '#http/http.ts';
import * as routes from '../routes.ts';
import { table } from '#store/connections.ts';
import { listResourceConnections } from '#store/patterns/lists.ts';

export const handler = endpoint(routes.listResourceConnections, async ({ path, query }) =>
  json(
    200,
    await listResourceConnections(table, {
      scope: path,
      resource: { type: path.resourceType, id: path.resourceId },
      query,
    }),
  ),
);
