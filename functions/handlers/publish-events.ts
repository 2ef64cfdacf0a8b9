/**
 * The change-stream consumer: turns each committed connection change into one EventBridge event on
 * the service's bus. Failures are reported per record (ReportBatchItemFailures), so Lambda retries
 * from the first event that did not go out; delivery is at least once.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { EVENT_SOURCE, type ConnectionEvent } from '../events/events.ts';
import { logger } from '../http/observability.ts';
import { publish, type EventSink } from '../events/publisher.ts';

const busName = process.env.EVENT_BUS_NAME;
if (!busName) throw new Error('Missing required environment variable EVENT_BUS_NAME');

export function eventBridgeSink(client: EventBridgeClient, eventBusName: string): EventSink {
  return {
    async put(events: readonly ConnectionEvent[]) {
      try {
        const out = await client.send(
          new PutEventsCommand({
            Entries: events.map((event) => ({
              EventBusName: eventBusName,
              Source: EVENT_SOURCE,
              DetailType: event.detailType,
              Detail: JSON.stringify(event.detail),
              Time: new Date(event.detail.occurredAt),
            })),
          }),
        );
        return new Set((out.Entries ?? []).flatMap((entry, index) => (entry.ErrorCode ? [index] : [])));
      } catch (error) {
        logger.error('PutEvents failed', error as Error);
        return new Set(events.map((_, index) => index));
      }
    },
  };
}

const sink = eventBridgeSink(new EventBridgeClient({ maxAttempts: 3 }), busName);

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const records = event.Records.map((record) => ({
    eventName: record.eventName,
    sequenceNumber: record.dynamodb?.SequenceNumber ?? '',
    newImage: image(record.dynamodb?.NewImage),
    oldImage: image(record.dynamodb?.OldImage),
  }));
  const { failedFrom, published } = await publish(records, sink);
  if (failedFrom) logger.warn('events not published; the stream will retry from the first', { failedFrom, published });
  return { batchItemFailures: failedFrom ? [{ itemIdentifier: failedFrom }] : [] };
}

const image = (raw: Record<string, unknown> | undefined) =>
  raw ? unmarshall(raw as Record<string, AttributeValue>) : undefined;
