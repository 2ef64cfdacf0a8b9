/**
 * Publishes the events of a batch of stream records through a sink (EventBridge in AWS, a file
 * locally), in order, and says which records must be retried: the first that failed and all after
 * it, as Lambda's ReportBatchItemFailures expects for a stream. A purge (a soft-deleted connection
 * removed by TTL) then has the rest of that connection deleted, once its event is out.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { ItemReader } from '#store/details.ts';
import { isPurge, toConnectionEvent, type ChangeRecord, type ConnectionEvent } from './events.ts';
import { TTL_IDENTITY } from './stream-filter.ts';

export interface EventSink {
  /** Puts the events; answers the indexes of those that failed. */
  put(events: readonly ConnectionEvent[]): Promise<ReadonlySet<number>>;
}

export interface SequencedRecord extends ChangeRecord {
  /** Identifies the record for a retry (the stream sequence number). */
  sequenceNumber: string;
}

/** A change-stream record, as Lambda's stream event carries it (local/stream-events.ts makes them so too). */
export interface StreamRecord {
  readonly eventName?: string;
  /** Set on the records of the items DynamoDB's TTL deletes (TTL_IDENTITY). */
  readonly userIdentity?: { readonly type?: string; readonly principalId?: string };
  readonly dynamodb?: {
    readonly SequenceNumber?: string;
    /** Epoch seconds. */
    readonly ApproximateCreationDateTime?: number;
    readonly NewImage?: Record<string, unknown>;
    readonly OldImage?: Record<string, unknown>;
  };
}

/** A stream record with its images read from DynamoDB's attribute-value form. */
export function sequencedRecord(record: StreamRecord): SequencedRecord {
  const at = record.dynamodb?.ApproximateCreationDateTime;
  return {
    eventName: record.eventName,
    sequenceNumber: record.dynamodb?.SequenceNumber ?? '',
    newImage: image(record.dynamodb?.NewImage),
    oldImage: image(record.dynamodb?.OldImage),
    byTimeToLive:
      record.userIdentity?.type === TTL_IDENTITY.type && record.userIdentity.principalId === TTL_IDENTITY.principalId,
    ...(at === undefined ? {} : { at: new Date(at * 1000).toISOString() }),
  };
}

/** Deletes what is left of a purged connection (events/purge.ts). */
export type Purge = (record: SequencedRecord) => Promise<void>;

const image = (raw: Record<string, unknown> | undefined) =>
  raw ? unmarshall(raw as Record<string, AttributeValue>) : undefined;

/** EventBridge takes at most 10 entries per PutEvents. */
export const SINK_BATCH_SIZE = 10;

/**
 * Publishes the events of `records`, in order. A record whose event cannot be made (the history
 * read its details need failed) is where the retry starts: the events before it go out first.
 */
export async function publish(
  records: readonly SequencedRecord[],
  sink: EventSink,
  read: ItemReader,
  purge?: Purge,
): Promise<{ failedFrom?: string; published: number }> {
  const pending: { event: ConnectionEvent; sequenceNumber: string }[] = [];
  let unreadable: string | undefined;
  for (const record of records) {
    try {
      const event = await toConnectionEvent(record, read);
      if (event) pending.push({ event, sequenceNumber: record.sequenceNumber });
    } catch {
      unreadable = record.sequenceNumber;
      break;
    }
  }
  let published = 0;
  let failedFrom = unreadable;
  for (let i = 0; i < pending.length; i += SINK_BATCH_SIZE) {
    const batch = pending.slice(i, i + SINK_BATCH_SIZE);
    const failed = await sink.put(batch.map((p) => p.event));
    const firstFailed = batch.findIndex((_, index) => failed.has(index));
    if (firstFailed >= 0) {
      failedFrom = batch[firstFailed]!.sequenceNumber;
      published += firstFailed;
      break;
    }
    published += batch.length;
  }
  // Only the purges whose events are out: the rest go again with the retry, events first.
  const before = failedFrom === undefined ? records.length : records.findIndex((r) => r.sequenceNumber === failedFrom);
  for (const record of purge ? records.slice(0, before).filter(isPurge) : []) {
    try {
      await purge!(record);
    } catch {
      return { failedFrom: record.sequenceNumber, published };
    }
  }
  return failedFrom === undefined ? { published } : { failedFrom, published };
}
