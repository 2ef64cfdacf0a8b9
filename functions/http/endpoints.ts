/**
 * What each route takes, keyed by the route table's ids. Handlers validate with these schemas and
 * the OpenAPI document describes them, so the two cannot drift apart. (What each route answers is
 * in endpoint-docs.ts, which only the OpenAPI document loads.)
 */
import type * as z from 'zod/mini';
import type { RouteId } from '../routes.ts';
import * as s from '#model/inputs.ts';
import * as p from './schemas.ts';

export const MAX_BODY_BYTES = 16 * 1024;
export const JSON_MEDIA_TYPES = ['application/json'] as const;
export const PATCH_MEDIA_TYPES = ['application/json', 'application/merge-patch+json'] as const;

export interface EndpointSpec {
  readonly path: z.ZodMiniType;
  /** Absent: the route ignores its query string, as the public service routes do (docs/api.md, Routes). */
  readonly query?: z.ZodMiniType;
  /**
   * The body schema and the media types it may arrive as; absent for routes that take no body.
   * `inHandler`: the handler reads it itself, to answer refusals as data (validate).
   */
  readonly body?: {
    readonly schema: z.ZodMiniType;
    readonly mediaTypes: readonly string[];
    readonly inHandler?: boolean;
  };
}

export const ENDPOINTS = {
  createConnection: {
    path: p.scopePath,
    query: p.noParameters,
    body: { schema: s.createConnectionBody, mediaTypes: JSON_MEDIA_TYPES },
  },
  listConnections: {
    path: p.scopePath,
    query: s.listConnectionsQuery,
  },
  getConnection: {
    path: p.connectionPath,
    query: s.getConnectionQuery,
  },
  updateConnection: {
    path: p.connectionPath,
    query: p.noParameters,
    body: { schema: s.updateConnectionBody, mediaTypes: PATCH_MEDIA_TYPES },
  },
  deleteConnection: {
    path: p.connectionPath,
    query: p.noParameters,
  },
  listResourceConnections: {
    path: p.resourcePath,
    query: s.resourceConnectionsQuery,
  },
  validateConnection: {
    path: p.scopePath,
    query: p.noParameters,
    body: { schema: s.createConnectionBody, mediaTypes: JSON_MEDIA_TYPES, inHandler: true },
  },
  getConnectionHistory: {
    path: p.connectionPath,
    query: s.historyQuery,
  },
  restoreConnection: {
    path: p.connectionPath,
    query: p.noParameters,
  },
  deleteResourceConnections: {
    path: p.resourcePath,
    query: p.noParameters,
  },
  getGraph: {
    path: p.scopePath,
    query: s.graphQuery,
  },
  getHealth: {
    path: p.noParameters,
  },
  getOpenApi: {
    path: p.noParameters,
  },
  getConnectionRules: {
    path: p.noParameters,
  },
  getRealtime: {
    path: p.noParameters,
  },
  getTopology: {
    path: p.noParameters,
    query: p.noParameters,
  },
  getTopologyAsset: {
    path: p.topologyAssetPath,
    query: p.noParameters,
  },
  notFound: {
    // Whatever arrives is answered 404: nothing about the request is worth refusing first.
    path: p.anyParameters,
  },
} as const satisfies Record<RouteId, EndpointSpec>;
