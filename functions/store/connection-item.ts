/**
 * The connection's stored items, and back. A connection is one item (its fields, its index keys)
 * and, when its `details` are larger than the layout's inline size, a second item beside it that
 * holds them: a status change then rewrites the small item and its index entries only, never the
 * caller's details. The connection item names the version that last wrote its details
 * (`detailsVersion`), so a reader can tell the details item it got belongs to it.
 * `toConnection` copies fields one by one, so storage keys and bookkeeping attributes can never
 * leak into a response.
 */
import { scopeOf } from '#domain/connection.ts';
import type { Connection } from '#model/representations.ts';
import { keys, type Liveness } from './keys.ts';
import { DEFAULT_LAYOUT, TABLE, type Layout } from './table-definition.ts';

/** The stored connection item: its fields without `details`, which are JSON text or elsewhere; plus its keys. */
export type ConnectionItem = Omit<Connection, 'details'> & { detailsJson?: string; detailsVersion?: number } & Record<
    string,
    unknown
  >;

/** Where a connection's details are: in its item (undefined), or in the details item this version wrote. */
export type DetailsVersion = number | undefined;

/** Whether these details travel in the connection item (and so in every index row). */
export const detailsInline = (details: Record<string, unknown>, layout: Layout = DEFAULT_LAYOUT): boolean =>
  Buffer.byteLength(JSON.stringify(details)) <= layout.inlineDetailsBytes;

/** What the item keeps beside the connection's own fields, and where its index entries go. */
export interface Stored {
  /** The version whose write put the details item there; undefined when the details are inline. */
  readonly detailsVersion: DetailsVersion;
  /** For a connection with a deadline: when it entered its status (the sweep's reason names it). */
  readonly statusSince?: string | undefined;
  /** For a soft-deleted connection: when its retention ends (epoch seconds); unset, never. */
  readonly expiresAt?: number | undefined;
  /** The environment's shard count for writers (shards.ts). */
  readonly shardCount: number;
}

const DAY_SECONDS = 86_400;

/** When an item written at `time` expires, `days` later, as DynamoDB's TTL reads it (epoch seconds); 0 days: never. */
export const expiryAfter = (time: string, days: number): number | undefined =>
  days > 0 ? Math.ceil(Date.parse(time) / 1000 + days * DAY_SECONDS) : undefined;

/**
 * Whether an item (or an index row of it) is past its time. DynamoDB deletes expired items up to
 * days late; until then every reader leaves them out, so none is ever answered.
 */
export function isExpired(item: Record<string, unknown>, now: number = Date.now()): boolean {
  const at = item[TABLE.timeToLiveAttribute];
  return at !== undefined && Number(at) * 1000 <= now;
}

/** The connection item. */
export function toItem(c: Connection, { detailsVersion, statusSince, expiresAt, shardCount }: Stored): ConnectionItem {
  const scope = scopeOf(c);
  const liveness: Liveness = c.deletedAt === undefined ? 'LIVE' : 'DELETED';
  const { details, ...rest } = c;
  return {
    ...keys.connection(scope, c.id),
    ...keys.indexAttributes(
      scope,
      liveness,
      {
        id: c.id,
        status: c.status,
        source: { type: c.sourceResourceType, id: c.sourceResourceId },
        target: { type: c.targetResourceType, id: c.targetResourceId },
      },
      shardCount,
    ),
    // Sparse: only a live connection that waits (pending, connecting) is in the deadline index.
    ...(liveness === 'LIVE' && c.statusDeadline !== null ? keys.deadlineIndex(scope, c.id, c.statusDeadline) : {}),
    ...rest,
    ...(statusSince === undefined ? {} : { statusSince }),
    ...(expiresAt === undefined ? {} : { [TABLE.timeToLiveAttribute]: expiresAt }),
    ...(detailsVersion === undefined ? { detailsJson: JSON.stringify(details) } : { detailsVersion }),
  };
}

/** The details item of a connection whose details are not inline, written by version `detailsVersion`. */
export function toDetailsItem(c: Connection, detailsVersion: number): Record<string, unknown> {
  return { ...keys.details(scopeOf(c), c.id), detailsVersion, detailsJson: JSON.stringify(c.details) };
}

/** Every item a connection is stored as, as a fresh write of its current version under `shardCount` would put them. */
export function storedItems(
  c: Connection,
  { layout = DEFAULT_LAYOUT, shardCount = 1 }: { layout?: Layout; shardCount?: number } = {},
): Record<string, unknown>[] {
  if (detailsInline(c.details, layout)) return [toItem(c, { detailsVersion: undefined, shardCount })];
  return [toItem(c, { detailsVersion: c.version, shardCount }), toDetailsItem(c, c.version)];
}

/** The version whose details item a connection item (or an index row of it) needs; undefined when inline. */
export function detailsVersionOf(item: Record<string, unknown>): DetailsVersion {
  return item.detailsJson === undefined && item.detailsVersion !== undefined ? Number(item.detailsVersion) : undefined;
}

/** The connection, from its item (or an index row) and, for details kept apart, those details. */
export function toConnection(item: Record<string, unknown>, details?: Record<string, unknown>): Connection {
  const i = item as ConnectionItem;
  const connection: Connection = {
    id: i.id,
    projectSlug: i.projectSlug,
    environmentSlug: i.environmentSlug,
    sourceResourceType: i.sourceResourceType,
    sourceResourceId: i.sourceResourceId,
    targetResourceType: i.targetResourceType,
    targetResourceId: i.targetResourceId,
    status: i.status,
    statusReason: i.statusReason ?? null,
    // Stored before deadlines existed: none until the connection next enters a status.
    statusDeadline: i.statusDeadline ?? null,
    details:
      i.detailsJson === undefined ? requireDetails(details, i) : (JSON.parse(i.detailsJson) as Connection['details']),
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    createdBy: i.createdBy,
    updatedBy: i.updatedBy,
    version: Number(i.version),
  };
  if (i.deletedAt !== undefined) connection.deletedAt = i.deletedAt;
  return connection;
}

function requireDetails(details: Record<string, unknown> | undefined, item: ConnectionItem): Record<string, unknown> {
  // A bug, never a caller's mistake: every reader resolves details kept apart before mapping.
  if (details === undefined) throw new Error(`details of ${item.id} (version ${item.detailsVersion}) not resolved`);
  return details;
}
