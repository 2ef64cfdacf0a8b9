/**
 * The connection's stored item, and back. `toConnection` copies fields one by one, so storage keys
 * and bookkeeping attributes (`statusSince`) can never leak into a response.
 */
import { scopeOf } from '#domain/connection.ts';
import type { Connection } from '#model/representations.ts';
import { keys, type Liveness } from './keys.ts';

/**
 * The stored item: the connection, with `details` kept as JSON text (no DynamoDB type quirks), plus
 * its keys and, while it has a deadline, when it entered its status (the sweep's reason names it).
 */
export type ConnectionItem = Omit<Connection, 'details'> & { detailsJson: string } & Record<string, unknown>;

/** `statusSince`: when the connection entered its status, for a connection with a deadline (domain `statusSince`). */
export function toItem(c: Connection, statusSince?: string): ConnectionItem {
  const scope = scopeOf(c);
  const liveness: Liveness = c.deletedAt === undefined ? 'LIVE' : 'DELETED';
  const { details, ...rest } = c;
  return {
    ...keys.connection(scope, c.id),
    ...keys.indexAttributes(scope, liveness, {
      id: c.id,
      status: c.status,
      source: { type: c.sourceResourceType, id: c.sourceResourceId },
      target: { type: c.targetResourceType, id: c.targetResourceId },
    }),
    // Sparse: only a live connection that waits (pending, connecting) is in the deadline index.
    ...(liveness === 'LIVE' && c.statusDeadline !== null ? keys.deadlineIndex(c.id, c.statusDeadline) : {}),
    ...rest,
    detailsJson: JSON.stringify(details),
    ...(statusSince === undefined ? {} : { statusSince }),
  };
}

export function toConnection(item: Record<string, unknown>): Connection {
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
    details: JSON.parse(i.detailsJson) as Record<string, unknown>,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    createdBy: i.createdBy,
    updatedBy: i.updatedBy,
    version: Number(i.version),
  };
  if (i.deletedAt !== undefined) connection.deletedAt = i.deletedAt;
  return connection;
}
