/**
 * GET /api/{projectSlug}/{environmentSlug}/graph: the environment as nodes and edges, a page at a
 * time, or the neighbourhood of one resource (contract §5).
 */
import { endpoint, json } from '#http/http.ts';
import { connections } from '#store/connections.ts';

export const handler = endpoint('getGraph', async ({ path, query }) =>
  json(200, await connections.graph({ scope: path, query })),
);
