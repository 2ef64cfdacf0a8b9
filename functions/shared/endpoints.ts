/**
 * What each route takes and answers, keyed by the route table's ids. Handlers validate with these
 * schemas and the OpenAPI document describes them, so the two cannot drift apart.
 */
import type * as z from 'zod/mini';
import type { RouteId } from '../routes.ts';
import * as s from './schemas.ts';

export const MAX_BODY_BYTES = 16 * 1024;
export const JSON_MEDIA_TYPES = ['application/json'] as const;
export const PATCH_MEDIA_TYPES = ['application/json', 'application/merge-patch+json'] as const;

export interface EndpointSpec {
  readonly path: z.ZodMiniType;
  readonly query: z.ZodMiniType;
  /**
   * The body schema and the media types it may arrive as; absent for routes that take no body.
   * `inHandler`: the handler reads it itself, to answer refusals as data (validate).
   */
  readonly body?: { readonly schema: z.ZodMiniType; readonly mediaTypes: readonly string[]; readonly inHandler?: boolean };
  readonly success: { readonly status: number; readonly description: string; readonly schema?: z.ZodMiniType };
  /** The error statuses the route can answer besides 400, 401, 403, 500 and 503. */
  readonly errors: readonly number[];
}

export const ENDPOINTS = {
  createConnection: {
    path: s.scopePath,
    query: s.noParameters,
    body: { schema: s.createConnectionBody, mediaTypes: JSON_MEDIA_TYPES },
    success: { status: 201, description: 'The new connection, in status pending.', schema: s.connection },
    errors: [409, 413, 415, 422],
  },
  listConnections: {
    path: s.scopePath,
    query: s.listConnectionsQuery,
    success: { status: 200, description: 'A page of connections.', schema: s.connectionPage },
    errors: [],
  },
  getConnection: {
    path: s.connectionPath,
    query: s.getConnectionQuery,
    success: { status: 200, description: 'The connection.', schema: s.connection },
    errors: [404],
  },
  updateConnection: {
    path: s.connectionPath,
    query: s.noParameters,
    body: { schema: s.updateConnectionBody, mediaTypes: PATCH_MEDIA_TYPES },
    success: { status: 200, description: 'The updated connection.', schema: s.connection },
    errors: [404, 409, 412, 413, 415],
  },
  deleteConnection: {
    path: s.connectionPath,
    query: s.noParameters,
    success: { status: 204, description: 'Deleted; the record and its history are kept.' },
    errors: [404, 412],
  },
  listResourceConnections: {
    path: s.resourcePath,
    query: s.resourceConnectionsQuery,
    success: { status: 200, description: 'A page of the connections of the resource.', schema: s.connectionPage },
    errors: [],
  },
  validateConnection: {
    path: s.scopePath,
    query: s.noParameters,
    body: { schema: s.createConnectionBody, mediaTypes: JSON_MEDIA_TYPES, inHandler: true },
    success: {
      status: 200,
      description: 'Whether a create with this body would succeed now, and if not the problem it would answer.',
      schema: s.validationResult,
    },
    errors: [],
  },
  getConnectionHistory: {
    path: s.connectionPath,
    query: s.historyQuery,
    success: { status: 200, description: 'A page of the changes, oldest first.', schema: s.historyPage },
    errors: [404],
  },
  restoreConnection: {
    path: s.connectionPath,
    query: s.noParameters,
    success: { status: 200, description: 'The restored connection, in status pending.', schema: s.connection },
    errors: [404, 409, 412],
  },
  deleteResourceConnections: {
    path: s.resourcePath,
    query: s.noParameters,
    success: { status: 200, description: 'How many live connections were deleted.', schema: s.cascadeResult },
    errors: [],
  },
  getHealth: {
    path: s.noParameters,
    query: s.noParameters,
    success: { status: 200, description: 'The service runs.', schema: s.health },
    errors: [],
  },
  getOpenApi: {
    path: s.noParameters,
    query: s.noParameters,
    success: { status: 200, description: 'This document.' },
    errors: [],
  },
  getConnectionRules: {
    path: s.noParameters,
    query: s.noParameters,
    success: { status: 200, description: 'The rules.', schema: s.connectionRules },
    errors: [],
  },
  notFound: {
    // Whatever arrives is answered 404: nothing about the request is worth refusing first.
    path: s.anyParameters,
    query: s.anyParameters,
    success: { status: 404, description: 'No route matches this method and path.' },
    errors: [],
  },
} as const satisfies Record<RouteId, EndpointSpec>;
