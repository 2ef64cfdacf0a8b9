/**
 * What the service answers, as zod/mini schemas, and the types the code uses, inferred from them:
 * the OpenAPI document describes responses with the schemas, so the code and the document cannot
 * disagree. Only the OpenAPI function builds them at run time: the others import types alone, and
 * start faster for it.
 */
import * as z from 'zod/mini';
import { resourceType, status } from './inputs.ts';
import { STATUSES } from './vocabulary.ts';

const timestamp = z.string().check(z.iso.datetime());

export const connection = z.object({
  id: z.string(),
  projectSlug: z.string(),
  environmentSlug: z.string(),
  sourceResourceType: resourceType,
  sourceResourceId: z.string(),
  targetResourceType: resourceType,
  targetResourceId: z.string(),
  status,
  statusReason: z.nullable(z.string()),
  /** When a pending or connecting connection fails unless it moves on; null in the other statuses. */
  statusDeadline: z.nullable(timestamp),
  details: z.record(z.string(), z.unknown()),
  createdAt: timestamp,
  updatedAt: timestamp,
  createdBy: z.string(),
  updatedBy: z.string(),
  version: z.number().check(z.int(), z.minimum(1)),
  deletedAt: z.optional(timestamp),
});

export type Connection = z.infer<typeof connection>;

export const connectionPage = z.object({ items: z.array(connection), nextToken: z.nullable(z.string()) });

export const graphNode = z.object({
  /** `type/id`: no resource type holds a `/`, and no resource id either. */
  key: z.string(),
  resourceType,
  resourceId: z.string(),
});

export const graphEdge = z.object({
  /** The connection id. */
  id: z.string(),
  /** The source node's key. */
  source: z.string(),
  target: z.string(),
  status,
  version: z.number().check(z.int(), z.minimum(1)),
  updatedAt: timestamp,
  /** The connection's `statusDeadline`: when a pending or connecting connection fails; null otherwise. */
  statusDeadline: z.nullable(timestamp),
  /** Only on soft-deleted connections, which only `includeDeleted=true` pages hold. */
  deletedAt: z.optional(timestamp),
});

export const graph = z.object({
  nodes: z.array(graphNode),
  edges: z.array(graphEdge),
  nextToken: z.nullable(z.string()),
  /** A neighbourhood cut short by its edge or work budget answers what it reached. */
  truncated: z.boolean(),
});

export const health = z.object({ status: z.literal('ok') });

/** Where to watch changes (docs/api.md, Watching changes). */
export const realtime = z.object({
  /** The WebSocket endpoint: wss:// in the cloud, ws:// under npm start. */
  url: z.string(),
  /** The host to name in the connection's authorization header (the Events API's HTTP domain). */
  host: z.string(),
  /** The WebSocket subprotocol. */
  protocol: z.literal('aws-appsync-event-ws'),
  /** Each environment's channel is this, then /<project>/<environment>. */
  channelPrefix: z.string(),
});

export const HISTORY_ACTIONS = ['created', 'updated', 'deleted', 'restored'] as const;

export const historyEntry = z.object({
  version: z.number().check(z.int(), z.minimum(1)),
  at: timestamp,
  actor: z.string(),
  action: z.enum(HISTORY_ACTIONS),
  /** Each changed field, `{ from, to }`. */
  changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
});

export const historyPage = z.object({ items: z.array(historyEntry), nextToken: z.nullable(z.string()) });

export const cascadeResult = z.object({
  deleted: z.number().check(z.int(), z.minimum(0)),
  /** False: the time budget ran out with live connections left; repeat the request. */
  complete: z.boolean(),
});

export const connectionRules = z.object({
  resourceTypes: z.array(resourceType),
  rules: z.array(
    z.object({
      sourceResourceType: resourceType,
      targetResourceTypes: z.array(resourceType),
      description: z.string(),
      targets: z.array(z.object({ targetResourceType: resourceType, description: z.string() })),
    }),
  ),
  statusTransitions: z.object(Object.fromEntries(STATUSES.map((from) => [from, z.array(status)]))),
});

export type GraphNode = z.infer<typeof graphNode>;
export type GraphEdge = z.infer<typeof graphEdge>;
export type Graph = z.infer<typeof graph>;
export type HistoryEntry = z.infer<typeof historyEntry>;
export type HistoryAction = HistoryEntry['action'];
export type CascadeResult = z.infer<typeof cascadeResult>;
