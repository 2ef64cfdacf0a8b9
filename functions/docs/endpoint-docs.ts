/** What each route answers, for the OpenAPI document: the success and the error statuses it can meet. */
import type * as z from 'zod/mini';
import type { RouteId } from '../routes.ts';
import * as r from '#model/representations.ts';
import { validationResult } from './problem-schemas.ts';

interface SuccessDoc {
  readonly status: number;
  readonly description: string;
  readonly schema?: z.ZodMiniType;
  /** A success without a schema here: every media type it is served as (JSON an object, the rest text). */
  readonly mediaTypes?: readonly string[];
  /** Headers it sends besides the ETag of a connection (openapi.ts `RESPONSE_HEADERS`). */
  readonly headers?: readonly ResponseHeader[];
}

/** The headers a success may carry beyond the ETag of a connection, described in openapi.ts. */
export type ResponseHeader = 'Location' | 'Idempotent-Replayed' | 'FileETag';

export interface EndpointDoc {
  readonly success: SuccessDoc;
  /** A second success: the work is not finished, repeat after Retry-After (the cascade's 202). */
  readonly unfinished?: SuccessDoc;
  /** Answers 304 when If-None-Match names the current file (a file of the topology page). */
  readonly conditional?: boolean;
  /** The error statuses the route can answer besides 400, 401, 403, 500 and 503. */
  readonly errors: readonly number[];
}

export const ENDPOINT_DOCS = {
  createConnection: {
    success: {
      status: 201,
      description:
        'The new connection, in status pending; or, for a repeat with the same Idempotency-Key, the first one again.',
      schema: r.connection,
      headers: ['Location', 'Idempotent-Replayed'],
    },
    errors: [409, 413, 415, 422],
  },
  listConnections: {
    success: { status: 200, description: 'A page of connections.', schema: r.connectionPage },
    errors: [],
  },
  getConnection: {
    success: { status: 200, description: 'The connection.', schema: r.connection },
    errors: [404],
  },
  updateConnection: {
    success: { status: 200, description: 'The updated connection.', schema: r.connection },
    errors: [404, 409, 412, 413, 415],
  },
  deleteConnection: {
    success: { status: 204, description: 'Deleted; the record and its history are kept.' },
    errors: [404, 412],
  },
  listResourceConnections: {
    success: { status: 200, description: 'A page of the connections of the resource.', schema: r.connectionPage },
    errors: [],
  },
  validateConnection: {
    success: {
      status: 200,
      description: 'Whether a create with this body would succeed now, and if not the problem it would answer.',
      schema: validationResult,
    },
    errors: [],
  },
  getConnectionHistory: {
    success: { status: 200, description: 'A page of the changes, oldest first.', schema: r.historyPage },
    errors: [404],
  },
  restoreConnection: {
    success: { status: 200, description: 'The restored connection, in status pending.', schema: r.connection },
    errors: [404, 409, 412],
  },
  deleteResourceConnections: {
    success: {
      status: 200,
      description: 'Done: how many live connections were deleted, and none remains (`complete: true`).',
      schema: r.cascadeResult,
    },
    unfinished: {
      status: 202,
      description:
        'The time budget ran out with live connections left (`complete: false`): repeat the request after Retry-After until it answers 200.',
      schema: r.cascadeResult,
    },
    errors: [],
  },
  getGraph: {
    success: {
      status: 200,
      description:
        'Whole environment: a page of edges (live first, then deleted ones with includeDeleted) and the nodes they touch; ' +
        'clients merge nodes by key across pages. Neighbourhood (resourceType and resourceId): every live connection ' +
        'reachable within depth hops in the direction given (both: each hop follows connections either way), not paged, ' +
        'at most 1,000 edges, nearest hops first, with truncated true when there are more.',
      schema: r.graph,
    },
    errors: [],
  },
  getHealth: {
    success: { status: 200, description: 'The service runs.', schema: r.health },
    errors: [],
  },
  getOpenApi: {
    success: { status: 200, description: 'This document.', mediaTypes: ['application/json'] },
    errors: [],
  },
  getConnectionRules: {
    success: { status: 200, description: 'The rules.', schema: r.connectionRules },
    errors: [],
  },
  getRealtime: {
    success: {
      status: 200,
      description:
        'The real-time endpoint (AppSync Events WebSocket protocol) and the channel prefix: subscribe to ' +
        '<channelPrefix>/<project>/<environment> with the same bearer token as this API.',
      schema: r.realtime,
    },
    errors: [],
  },
  getTopology: {
    success: {
      status: 200,
      description: 'The topology page (HTML; it holds no data).',
      mediaTypes: ['text/html'],
      headers: ['FileETag'],
    },
    conditional: true,
    errors: [],
  },
  getTopologyAsset: {
    success: {
      status: 200,
      description: 'A file of the topology page: its script and layout worker (JavaScript) or its style sheet (CSS).',
      mediaTypes: ['text/javascript', 'text/css'],
      headers: ['FileETag'],
    },
    conditional: true,
    errors: [404],
  },
  notFound: {
    success: { status: 404, description: 'No route matches this method and path.' },
    errors: [],
  },
} as const satisfies Record<RouteId, EndpointDoc>;
