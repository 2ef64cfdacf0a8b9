/**
 * GET /api/{projectSlug}/{environmentSlug}/resources/{resourceType}/{resourceId}/connections: every
 * connection in which the resource is the source or the target.
 */
import { endpoint, json } from '../http/http.ts';
import { repository } from '../store/service.ts';

const connections = repository();

export const handler = endpoint('listResourceConnections', async ({ path, query }) =>
  json(200, await connections.listForResource(path, { type: path.resourceType, id: path.resourceId }, query)),
);
