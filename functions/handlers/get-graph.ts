/**
 * GET /api/{projectSlug}/{environmentSlug}/graph: the environment as nodes and edges, a page at a
 * time, or the neighbourhood of one resource (docs/api.md, Routes).
 */
import { endpoint, json } from '#http/http.ts';
import * as routes from '../routes.ts';
import { table } from '#store/connections.ts';
import { readGraph } from '#store/patterns/graph.ts';

export const handler = endpoint(routes.getGraph, async ({ path, query }) =>
  json(200, await readGraph(table, path, query)),
);
