/**
 * Connection events, produced from the table's change stream: one event per committed change of a
 * connection, none for anything else (guards, history, idempotency records) or for a change that
 * did not commit. The same code runs in the publisher Lambda and under `npm start`.
 */
import { diff, type Changes } from '#domain/connection.ts';
import { detailsVersionOf, toConnection } from '#store/connection-item.ts';
import { historyDetails, historyDetailsBefore, type ItemReader } from '#store/details.ts';
import { keys } from '#store/keys.ts';
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

/**
 * The envelope a subscriber receives, on the bus and on the environment's channel alike: `id` is
 * the change's own (`<connection id>:<version>`), the same for every delivery of it.
 */
export function eventEnvelope(event: ConnectionEvent) {
  return {
    id: event.detail.eventId,
    source: EVENT_SOURCE,
    'detail-type': event.detailType,
    time: event.detail.occurredAt,
    detail: event.detail,
  };
}

/** A change record, images already unmarshalled (as the stream's NewImage and OldImage). */
export interface ChangeRecord {
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | string;
  newImage?: Record<string, unknown>;
  oldImage?: Record<string, unknown>;
}

const isConnectionItem = (image: Record<string, unknown> | undefined) => image?.[TABLE.sortKey] === 'CONNECTION';

/**
 * The event a stream record stands for, or undefined when it is not a connection change. Details
 * kept apart from the connection item (connection-item.ts) are not in the record's images: they
 * are read from the history entry of the change that set them, which never changes.
 */
export async function toConnectionEvent(record: ChangeRecord, read: ItemReader): Promise<ConnectionEvent | undefined> {
  if (!isConnectionItem(record.newImage) || record.eventName === 'REMOVE') return undefined;
  const oldImage = isConnectionItem(record.oldImage) ? record.oldImage : undefined;
  const details = await detailsOf(record.newImage!, oldImage, read);
  const after = toConnection(record.newImage!, details.after);
  const before = oldImage && toConnection(oldImage, details.before);
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

/** The details kept apart of the images that need them, with one read at most. */
async function detailsOf(
  after: Record<string, unknown>,
  before: Record<string, unknown> | undefined,
  read: ItemReader,
): Promise<{ after?: Record<string, unknown>; before?: Record<string, unknown> }> {
  const versionAfter = detailsVersionOf(after);
  const versionBefore = before && detailsVersionOf(before);
  if (versionAfter === undefined && versionBefore === undefined) return {};
  const scope = { projectSlug: String(after.projectSlug), environmentSlug: String(after.environmentSlug) };
  const entry = async (version: number) => read(keys.history(scope, String(after.id), version));
  if (versionAfter !== undefined && versionAfter === versionBefore) {
    const same = historyDetails(await entry(versionAfter));
    return { after: same, before: same };
  }
  // The placement changed only because the details did, in this very change: its entry has both.
  const changed = await entry(Number(after.version));
  return {
    after: versionAfter === undefined ? undefined : historyDetails(changed),
    before: versionBefore === undefined ? undefined : historyDetailsBefore(changed),
  };
}
