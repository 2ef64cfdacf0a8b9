/**
 * The connection's stored item, and back. `toConnection` copies fields one by one, so storage keys
 * and bookkeeping attributes can never leak into a response.
 */
import { scopeOf } from '#domain/connection.ts';
import type { Connection } from '#model/representations.ts';
import { keys, type Liveness } from './keys.ts';

/** The stored item: the connection, with `details` kept as JSON text (no DynamoDB type quirks), plus its keys. */
export type ConnectionItem = Omit<Connection, 'details'> & { detailsJson: string } & Record<string, unknown>;

export function toItem(c: Connection): ConnectionItem {
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
    ...rest,
    detailsJson: JSON.stringify(details),
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
