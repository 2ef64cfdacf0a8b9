/**
 * The service's own routes, at the root and without a token (docs/api.md, Service routes), and the
 * catch-all that answers what no route matches.
 */
import { NOTHING } from './access.ts';
import type { Route } from './shape.ts';

export const getHealth = {
  id: 'getHealth',
  method: 'GET',
  path: '/health',
  handler: 'health',
  scope: null,
  data: NOTHING,
  summary: 'Liveness check',
} as const satisfies Route;

export const getOpenApi = {
  id: 'getOpenApi',
  method: 'GET',
  path: '/openapi.json',
  handler: 'openapi',
  scope: null,
  data: NOTHING,
  summary: 'The OpenAPI 3.1 document of this API',
} as const satisfies Route;

export const getConnectionRules = {
  id: 'getConnectionRules',
  method: 'GET',
  path: '/connection-rules',
  handler: 'connection-rules',
  scope: null,
  data: NOTHING,
  summary: 'The connection rules and status transitions the service enforces',
} as const satisfies Route;

export const getRealtime = {
  id: 'getRealtime',
  method: 'GET',
  path: '/realtime',
  handler: 'realtime',
  scope: null,
  data: NOTHING,
  summary: 'Where to watch changes: the real-time (WebSocket) endpoint and how channels are named',
} as const satisfies Route;

export const getTopology = {
  id: 'getTopology',
  method: 'GET',
  path: '/topology',
  handler: 'topology',
  scope: null,
  data: NOTHING,
  summary: "A page that draws an environment's connections (it calls the graph route with the user's token)",
  webPage: 'topology',
} as const satisfies Route;

export const getTopologyAsset = {
  id: 'getTopologyAsset',
  method: 'GET',
  path: '/topology/{asset}',
  handler: 'topology-asset',
  scope: null,
  data: NOTHING,
  summary: "The topology page's script, layout worker and style sheet",
  webPage: 'topology',
} as const satisfies Route;

export const notFound = {
  id: 'notFound',
  method: 'ANY',
  path: '$default',
  handler: 'not-found',
  scope: null,
  data: NOTHING,
  summary: 'Any method and path no other route matches: 404 as problem+json',
} as const satisfies Route;
