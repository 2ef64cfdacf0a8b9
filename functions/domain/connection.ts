/**
 * The connection as callers see it, and its stored item. `toConnection` copies fields one by one, so
 * storage keys and bookkeeping attributes can never leak into a response.
 */
import { keys, type Liveness, type Scope } from '../store/keys.ts';
import type * as z from 'zod/mini';
import type { connection as connectionSchema } from '../docs/response-schemas.ts';

export type Connection = z.infer<typeof connectionSchema>;

/** The stored item: the connection, with `details` kept as JSON text (no DynamoDB type quirks), plus its keys. */
export type ConnectionItem = Omit<Connection, 'details'> & { detailsJson: string } & Record<string, unknown>;

export const scopeOf = (c: Pick<Connection, 'projectSlug' | 'environmentSlug'>): Scope => ({
  projectSlug: c.projectSlug,
  environmentSlug: c.environmentSlug,
});

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

/** The fields whose changes the history records, with their values before and after. */
export type Changes = Partial<Record<keyof Connection, { from: unknown; to: unknown }>>;

const TRACKED: readonly (keyof Connection)[] = [
  'sourceResourceType',
  'sourceResourceId',
  'targetResourceType',
  'targetResourceId',
  'status',
  'statusReason',
  'details',
  'deletedAt',
];

export function diff(before: Connection | undefined, after: Connection): Changes {
  const changes: Changes = {};
  for (const field of TRACKED) {
    const from = before?.[field] ?? null;
    const to = after[field] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to };
  }
  return changes;
}
