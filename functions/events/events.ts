/**
 * Connection events, produced from the table's change stream: one event per committed change of a
 * connection, none for anything else (guards, history, idempotency records) or for a change that
 * did not commit. The same code runs in the publisher Lambda and under `npm start`.
 */
import { diff, type Changes } from '#domain/connection.ts';
import { toConnection } from '#store/connection-item.ts';
import type { Connection } from '#model/representations.ts';
import { TABLE } from '#store/table-definition.ts';

export const EVENT_SOURCE = 'resource-connections';

export type DetailType =
  | 'Connection Created'
  | 'Connection Updated'
  | 'Connection Status Changed'
  | 'Connection Deleted'
  | 'Connection Restored';

export interface ConnectionEventDetail {
  /** `<connection id>:<version>`: the same for every delivery of the same change. */
  eventId: string;
  connection: Connection;
  version: number;
  actor: string;
  occurredAt: string;
  changes?: Changes;
  previousStatus?: Connection['status'];
}

export interface ConnectionEvent {
  detailType: DetailType;
  detail: ConnectionEventDetail;
}

/** A change record, images already unmarshalled (as the stream's NewImage and OldImage). */
export interface ChangeRecord {
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | string;
  newImage?: Record<string, unknown>;
  oldImage?: Record<string, unknown>;
}

const isConnectionItem = (image: Record<string, unknown> | undefined) => image?.[TABLE.sortKey] === 'CONNECTION';

/** The event a stream record stands for, or undefined when it is not a connection change. */
export function toConnectionEvent(record: ChangeRecord): ConnectionEvent | undefined {
  if (!isConnectionItem(record.newImage) || record.eventName === 'REMOVE') return undefined;
  const after = toConnection(record.newImage!);
  const before = isConnectionItem(record.oldImage) ? toConnection(record.oldImage!) : undefined;
  const detail: ConnectionEventDetail = {
    eventId: `${after.id}:${after.version}`,
    connection: after,
    version: after.version,
    actor: after.updatedBy,
    occurredAt: after.updatedAt,
  };
  if (!before) return { detailType: 'Connection Created', detail };
  // A replayed stream record of a version already seen carries no change: nothing to say.
  if (before.version === after.version) return undefined;
  detail.changes = diff(before, after);
  if (before.deletedAt === undefined && after.deletedAt !== undefined)
    return { detailType: 'Connection Deleted', detail };
  if (before.deletedAt !== undefined && after.deletedAt === undefined)
    return { detailType: 'Connection Restored', detail };
  if (before.status !== after.status) {
    return { detailType: 'Connection Status Changed', detail: { ...detail, previousStatus: before.status } };
  }
  return { detailType: 'Connection Updated', detail };
}
