/**
 * Connection events, produced from the table's change stream: one event per committed change of a
 * connection, and one when DynamoDB's TTL removes a soft-deleted connection at the end of its
 * retention; none for anything else (guards, history, idempotency records) or for a change that
 * did not commit. The same code runs in the publisher Lambda and under `npm start`.
 */
import { diff, type Changes } from '#domain/connection.ts';
import { RETENTION_ACTOR } from '#domain/decisions.ts';
import { detailsVersionOf, toConnection } from '#store/connection-item.ts';
import { detailsAt, historyDetails, historyDetailsBefore, type ItemReader } from '#store/details.ts';
import { keys } from '#store/keys.ts';
import type { Connection } from '#model/representations.ts';
import { TABLE } from '#store/table-definition.ts';

export const EVENT_SOURCE = 'resource-connections';

export type DetailType =
  | 'Connection Created'
  | 'Connection Updated'
  | 'Connection Status Changed'
  | 'Connection Deleted'
  | 'Connection Restored'
  | 'Connection Purged';

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
  /** A REMOVE by DynamoDB's TTL (the record's identity is the DynamoDB service's). */
  byTimeToLive?: boolean;
  /** When the change happened, as the stream says (to the second). */
  at?: string;
}

/** A soft-deleted connection's item removed by TTL: it is purged, and its history and details go too. */
export const isPurge = (record: ChangeRecord): boolean =>
  record.eventName === 'REMOVE' && record.byTimeToLive === true && isConnectionItem(record.oldImage);

const isConnectionItem = (image: Record<string, unknown> | undefined) => image?.[TABLE.sortKey] === 'CONNECTION';

/**
 * The event a stream record stands for, or undefined when it is not a connection change. Details
 * kept apart from the connection item (connection-item.ts) are not in the record's images: they
 * are read from the history entry of the change that set them, which never changes.
 */
export async function toConnectionEvent(record: ChangeRecord, read: ItemReader): Promise<ConnectionEvent | undefined> {
  if (isPurge(record)) return purged(record, read);
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

/**
 * `Connection Purged`: the connection as it last was, under a version one past its last (so that it
 * deduplicates apart from its `Connection Deleted`). Undefined when its details are gone already: the
 * purge of its history and details starts only once this event is out, so this is a redelivery.
 */
async function purged(record: ChangeRecord, read: ItemReader): Promise<ConnectionEvent | undefined> {
  const image = record.oldImage!;
  const version = detailsVersionOf(image);
  const scope = { projectSlug: String(image.projectSlug), environmentSlug: String(image.environmentSlug) };
  const details = version === undefined ? undefined : await detailsAt(read, scope, String(image.id), version);
  if (version !== undefined && details === undefined) return undefined;
  const connection = toConnection(image, details);
  const expiredAt = new Date(Number(image[TABLE.timeToLiveAttribute]) * 1000).toISOString();
  return {
    detailType: 'Connection Purged',
    detail: {
      eventId: `${connection.id}:${connection.version + 1}`,
      connection,
      version: connection.version + 1,
      actor: RETENTION_ACTOR,
      occurredAt: record.at ?? expiredAt,
    },
  };
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
    const same = await detailsAt(read, scope, String(after.id), versionAfter, Number(after.version));
    // A bug, never a caller's mistake: details set by a version are kept until a later one replaces them.
    if (same === undefined) throw new Error(`details of ${String(after.id)} version ${versionAfter} not found`);
    return { after: same, before: same };
  }
  // The placement changed only because the details did, in this very change: its entry has both.
  const changed = await entry(Number(after.version));
  return {
    after: versionAfter === undefined ? undefined : historyDetails(changed),
    before: versionBefore === undefined ? undefined : historyDetailsBefore(changed),
  };
}
