/**
 * Publishes the events of a batch of stream records through a sink (EventBridge in AWS, a file
 * locally), in order, and says which records must be retried: the first that failed and all after
 * it, as Lambda's ReportBatchItemFailures expects for a stream.
 */
import { toConnectionEvent, type ChangeRecord, type ConnectionEvent } from './events.ts';

export interface EventSink {
  /** Puts the events; answers the indexes of those that failed. */
  put(events: readonly ConnectionEvent[]): Promise<ReadonlySet<number>>;
}

export interface SequencedRecord extends ChangeRecord {
  /** Identifies the record for a retry (the stream sequence number). */
  sequenceNumber: string;
}

/** EventBridge takes at most 10 entries per PutEvents. */
export const SINK_BATCH_SIZE = 10;

export async function publish(
  records: readonly SequencedRecord[],
  sink: EventSink,
): Promise<{ failedFrom?: string; published: number }> {
  const pending = records.flatMap((record) => {
    const event = toConnectionEvent(record);
    return event ? [{ event, sequenceNumber: record.sequenceNumber }] : [];
  });
  let published = 0;
  for (let i = 0; i < pending.length; i += SINK_BATCH_SIZE) {
    const batch = pending.slice(i, i + SINK_BATCH_SIZE);
    const failed = await sink.put(batch.map((p) => p.event));
    const firstFailed = batch.findIndex((_, index) => failed.has(index));
    if (firstFailed >= 0) return { failedFrom: batch[firstFailed]!.sequenceNumber, published: published + firstFailed };
    published += batch.length;
  }
  return { published };
}
