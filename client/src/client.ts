/**
 * The Resource Connections client: every route typed from the generated OpenAPI types, requests
 * made by openapi-fetch, retries and timeouts as its middleware, paged routes as async iterators,
 * and the loops callers get wrong by hand (Idempotency-Key across retries, read-modify-write on 412,
 * a cascade repeated until complete).
 */
import { randomUUID } from 'node:crypto';
import createFetchClient, { type Client, type Middleware } from 'openapi-fetch';
import { bearerToken, finiteBody, httpUrl, segment } from './checks.ts';
import { ApiErrorBase, hasProblemCode, toProblem, type OperationId } from './errors.ts';
import type { components, operations, paths } from './openapi.ts';
import { paged, pagedItems, type Paged } from './paging.ts';
import { retryAfterMs, retryMiddleware, type RetryOptions } from './retry.ts';
import { watchChanges, type ConnectionChange, type WatchOptions } from './watch.ts';

type Schemas = components['schemas'];
export type Connection = Schemas['Connection'];
export type CreateConnection = Schemas['CreateConnection'];
export type UpdateConnection = Schemas['UpdateConnection'];
export type ConnectionRules = Schemas['ConnectionRules'];
export type ResourceType = Connection['sourceResourceType'];
export type Status = Connection['status'];
type Ok<O extends OperationId, S extends number> =
  operations[O]['responses'] extends Record<S, { content: { 'application/json': infer B } }> ? B : never;
export type HistoryEntry = Ok<'getConnectionHistory', 200>['items'][number];
export type ValidationResult = Ok<'validateConnection', 200>;
export type CascadeResult = Ok<'deleteResourceConnections', 200>;
export type Graph = Schemas['Graph'];
export type GraphNode = Graph['nodes'][number];
export type GraphEdge = Graph['edges'][number];

// Every resource type and status at run time, as records so that the compiler checks them against
// the generated types: a member missing or unknown fails `tsc`.
const TYPES: Record<ResourceType, true> = {
  instance: true,
  application: true,
  database: true,
  terminal: true,
  firewall: true,
  storage_bucket: true,
  bucket_explorer: true,
  static_website: true,
};
const STATUS_NAMES: Record<Status, true> = {
  pending: true,
  connecting: true,
  connected: true,
  failed: true,
  disconnected: true,
};
export const RESOURCE_TYPES = Object.keys(TYPES) as readonly ResourceType[];
export const STATUSES = Object.keys(STATUS_NAMES) as readonly Status[];

/** A token, or a function that returns one (called before every request, so it may refresh). */
export type TokenProvider = string | (() => string | Promise<string>);

export interface ClientOptions {
  /** Where the API is, e.g. `http://localhost:3000`. */
  readonly baseUrl: string;
  readonly token?: TokenProvider;
  readonly project: string;
  readonly environment: string;
  readonly retry?: RetryOptions;
  /** A fetch to use instead of the global one. */
  readonly fetch?: typeof fetch;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
}
export interface ListOptions extends CallOptions {
  readonly sourceResourceType?: ResourceType;
  readonly sourceResourceId?: string;
  readonly targetResourceType?: ResourceType;
  readonly targetResourceId?: string;
  readonly status?: Status;
  readonly includeDeleted?: boolean;
  /** Items per request (1–100). */
  readonly limit?: number;
}
/** `ifMatch`: a version number, or an If-Match header value. */
export interface Precondition extends CallOptions {
  readonly ifMatch?: number | string;
}
export interface GraphOptions extends CallOptions {
  readonly status?: Status;
  readonly includeDeleted?: boolean;
  /** Edges per request (1–1000). */
  readonly limit?: number;
}
export interface NeighbourhoodOptions extends CallOptions {
  /** Hops from the resource (1–3, default 1). */
  readonly depth?: 1 | 2 | 3;
  /** Follow connections out of each node, into it, or both (default both). */
  readonly direction?: 'in' | 'out' | 'both';
}
export interface CascadeProgress {
  readonly deleted: number;
  readonly rounds: number;
  readonly complete: boolean;
}

const ifMatchHeader = (ifMatch: number | string | undefined) =>
  ifMatch === undefined ? {} : { 'If-Match': typeof ifMatch === 'number' ? `"${ifMatch}"` : ifMatch };
const flag = (value: boolean | undefined) => (value === undefined ? undefined : value ? 'true' : 'false');
const text = (value: number | undefined) => (value === undefined ? undefined : String(value));

export class ResourceConnections {
  /** The openapi-fetch client underneath, for anything this class does not wrap. */
  readonly http: Client<paths>;
  private readonly scope: { projectSlug: string; environmentSlug: string };

  constructor(readonly options: ClientOptions) {
    this.scope = { projectSlug: options.project, environmentSlug: options.environment };
    this.http = createFetchClient<paths>({ baseUrl: httpUrl(options.baseUrl), fetch: options.fetch });
    const auth: Middleware = {
      async onRequest({ request }) {
        const token = typeof options.token === 'function' ? await options.token() : options.token;
        if (token) request.headers.set('Authorization', `Bearer ${bearerToken(token)}`);
        return request;
      },
    };
    this.http.use(auth, retryMiddleware(options.retry));
  }

  /** The answer's data, or an ApiError built from its problem. */
  private async unwrap<T>(
    operation: OperationId,
    // A thunk, so that a refusal while building the request (checks.ts) rejects like any failure.
    call: () => Promise<{ data?: T; error?: unknown; response: Response }>,
  ): Promise<T> {
    const { data, error, response } = await call();
    if (response.ok) return data as T;
    throw new ApiErrorBase(toProblem(error, response.status), operation, response.headers);
  }

  readonly connections = {
    /** Creates a connection. The Idempotency-Key (generated unless given) is the same on every retry. */
    create: (body: CreateConnection, options: CallOptions & { idempotencyKey?: string } = {}) =>
      this.unwrap('createConnection', () =>
        this.http.POST('/api/{projectSlug}/{environmentSlug}/resource-connections', {
          params: { path: this.scope, header: { 'Idempotency-Key': options.idempotencyKey ?? randomUUID() } },
          body: finiteBody(body),
          signal: options.signal,
        }),
      ),

    get: (id: string, options: CallOptions & { includeDeleted?: boolean } = {}) =>
      this.unwrap('getConnection', () =>
        this.http.GET('/api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}', {
          params: {
            path: { ...this.scope, connectionId: segment(id, 'connection id') },
            query: { includeDeleted: flag(options.includeDeleted) },
          },
          signal: options.signal,
        }),
      ),

    /** Every connection that matches, over as many pages as it takes. */
    list: (options: ListOptions = {}): Paged<Connection> => {
      const { signal, includeDeleted, limit, ...filters } = options;
      return pagedItems((nextToken) =>
        this.unwrap('listConnections', () =>
          this.http.GET('/api/{projectSlug}/{environmentSlug}/resource-connections', {
            params: {
              path: this.scope,
              query: { ...filters, includeDeleted: flag(includeDeleted), limit: text(limit), nextToken },
            },
            signal,
          }),
        ),
      );
    },

    update: (id: string, patch: UpdateConnection, options: Precondition = {}) =>
      this.unwrap('updateConnection', () =>
        this.http.PATCH('/api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}', {
          params: {
            path: { ...this.scope, connectionId: segment(id, 'connection id') },
            header: ifMatchHeader(options.ifMatch),
          },
          body: finiteBody(patch),
          signal: options.signal,
        }),
      ),

    /**
     * A worker's heartbeat: moves the deadline of a pending or connecting connection to `seconds`
     * (5–604,800) from now, keeping its status. A connection that has failed meanwhile (its deadline
     * passed) or moved on answers 400 VALIDATION_FAILED: nothing waits for the worker any more.
     */
    heartbeat: (id: string, seconds: number, options: Precondition = {}) =>
      this.connections.update(id, { deadlineSeconds: seconds }, options),

    /**
     * Read-modify-write: reads the connection, asks `fn` for a patch (or nothing, to leave it), and
     * writes it under If-Match; when another writer got there first (412) it reads again and asks
     * again, at most `attempts` times.
     */
    modify: async (
      id: string,
      fn: (current: Connection) => UpdateConnection | undefined | Promise<UpdateConnection | undefined>,
      options: CallOptions & { attempts?: number } = {},
    ): Promise<Connection> => {
      const attempts = options.attempts ?? 10;
      for (let attempt = 1; ; attempt++) {
        const current = await this.connections.get(id, options);
        const patch = await fn(current);
        if (!patch) return current;
        try {
          return await this.connections.update(id, patch, { ifMatch: current.version, signal: options.signal });
        } catch (error) {
          if (!hasProblemCode(error, 'PRECONDITION_FAILED') || attempt >= attempts) throw error;
        }
      }
    },

    delete: (id: string, options: Precondition = {}) =>
      this.unwrap('deleteConnection', () =>
        this.http.DELETE('/api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}', {
          params: {
            path: { ...this.scope, connectionId: segment(id, 'connection id') },
            header: ifMatchHeader(options.ifMatch),
          },
          signal: options.signal,
        }),
      ).then(() => undefined),

    restore: (id: string, options: Precondition = {}) =>
      this.unwrap('restoreConnection', () =>
        this.http.POST('/api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}/restore', {
          params: {
            path: { ...this.scope, connectionId: segment(id, 'connection id') },
            header: ifMatchHeader(options.ifMatch),
          },
          signal: options.signal,
        }),
      ),

    /** Every change of the connection, oldest first. */
    history: (id: string, options: CallOptions & { limit?: number } = {}): Paged<HistoryEntry> =>
      pagedItems((nextToken) =>
        this.unwrap('getConnectionHistory', () =>
          this.http.GET('/api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}/history', {
            params: {
              path: { ...this.scope, connectionId: segment(id, 'connection id') },
              query: { limit: text(options.limit), nextToken },
            },
            signal: options.signal,
          }),
        ),
      ),

    /** Runs every check a create would, writing nothing. */
    validate: (body: CreateConnection, options: CallOptions = {}): Promise<ValidationResult> =>
      this.unwrap('validateConnection', () =>
        this.http.POST('/api/{projectSlug}/{environmentSlug}/resource-connections/validate', {
          params: { path: this.scope },
          body: finiteBody(body),
          signal: options.signal,
        }),
      ),
  };

  readonly resources = {
    /** Every connection in which the resource is the source or the target. */
    connections: (
      type: ResourceType,
      id: string,
      options: CallOptions & { status?: Status; includeDeleted?: boolean; limit?: number } = {},
    ): Paged<Connection> =>
      pagedItems((nextToken) =>
        this.unwrap('listResourceConnections', () =>
          this.http.GET('/api/{projectSlug}/{environmentSlug}/resources/{resourceType}/{resourceId}/connections', {
            params: {
              path: { ...this.scope, resourceType: type, resourceId: segment(id, 'resource id') },
              query: {
                status: options.status,
                includeDeleted: flag(options.includeDeleted),
                limit: text(options.limit),
                nextToken,
              },
            },
            signal: options.signal,
          }),
        ),
      ),

    /**
     * Soft-deletes every live connection of a resource, repeating the request until the service says
     * `complete` (it answers 202 with Retry-After when its time budget ran out first).
     */
    cascade: async (
      type: ResourceType,
      id: string,
      options: CallOptions & { onProgress?: (progress: CascadeProgress) => void } = {},
    ): Promise<CascadeProgress> => {
      let deleted = 0;
      for (let rounds = 1; ; rounds++) {
        const { data, error, response } = await this.http.DELETE(
          '/api/{projectSlug}/{environmentSlug}/resources/{resourceType}/{resourceId}/connections',
          {
            params: { path: { ...this.scope, resourceType: type, resourceId: segment(id, 'resource id') } },
            signal: options.signal,
          },
        );
        if (!response.ok || !data) {
          throw new ApiErrorBase(toProblem(error, response.status), 'deleteResourceConnections', response.headers);
        }
        deleted += data.deleted;
        const progress = { deleted, rounds, complete: data.complete };
        options.onProgress?.(progress);
        if (progress.complete) return progress;
        const wait = retryAfterMs(response.headers) ?? 0;
        if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    },
  };

  readonly graph = {
    /**
     * The whole environment's edges, over as many pages as it takes; `.pages()` gives each page with
     * the nodes its edges touch (a node may appear on several pages: merge by `key`).
     */
    edges: (options: GraphOptions = {}): Paged<GraphEdge, Graph> => {
      const { signal, includeDeleted, limit, status } = options;
      return paged(
        (nextToken) =>
          this.unwrap('getGraph', () =>
            this.http.GET('/api/{projectSlug}/{environmentSlug}/graph', {
              params: {
                path: this.scope,
                query: { status, includeDeleted: flag(includeDeleted), limit: text(limit), nextToken },
              },
              signal,
            }),
          ),
        (page) => page.edges,
        (page) => page.nextToken,
      );
    },

    /** Every page read and merged: each node once, in key order; edges in the service's order. */
    all: async (options: GraphOptions = {}): Promise<Pick<Graph, 'nodes' | 'edges'>> => {
      const nodes = new Map<string, GraphNode>();
      const edges: GraphEdge[] = [];
      for await (const page of this.graph.edges(options).pages()) {
        for (const node of page.nodes) nodes.set(node.key, node);
        edges.push(...page.edges);
      }
      return { nodes: [...nodes.keys()].sort().map((key) => nodes.get(key)!), edges };
    },

    /** Every live connection within `depth` hops of one resource (one answer; `truncated` past 1,000 edges). */
    neighbourhood: (type: ResourceType, id: string, options: NeighbourhoodOptions = {}): Promise<Graph> =>
      this.unwrap('getGraph', () =>
        this.http.GET('/api/{projectSlug}/{environmentSlug}/graph', {
          params: {
            path: this.scope,
            query: {
              resourceType: type,
              resourceId: segment(id, 'resource id'),
              depth: options.depth === undefined ? undefined : (String(options.depth) as '1' | '2' | '3'),
              direction: options.direction,
            },
          },
          signal: options.signal,
        }),
      ),
  };

  /** The rules the service enforces (public). */
  rules(options: CallOptions = {}): Promise<ConnectionRules> {
    return this.unwrap('getConnectionRules', () => this.http.GET('/connection-rules', { signal: options.signal }));
  }

  /**
   * The environment's changes as they commit, pushed over the real-time endpoint the service names
   * (GET /realtime), with a catch-up read after every (re)connection; see watch.ts.
   */
  watch(options: WatchOptions = {}): AsyncIterableIterator<ConnectionChange> {
    return watchChanges(this, options);
  }

  health(options: CallOptions = {}) {
    return this.unwrap('getHealth', () => this.http.GET('/health', { signal: options.signal }));
  }
}
