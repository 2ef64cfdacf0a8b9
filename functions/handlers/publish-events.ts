/**
 * The change-stream consumer: turns each committed connection change, and each soft-deleted
 * connection purged at the end of its retention, into one EventBridge event on the service's bus.
 * Failures are reported per record (ReportBatchItemFailures), so Lambda retries from the first
 * event that did not go out; delivery is at least once.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { requiredVariable } from '../environment.ts';
import { EVENT_SOURCE, type ConnectionEvent } from '../events/events.ts';
import { flushMetrics, logger, metrics } from '#http/observability.ts';
import { appSyncChannelPublisher, withChannels } from '../events/channels.ts';
import { publish, sequencedRecord, type EventSink } from '../events/publisher.ts';
import { purgeIn } from '../events/purge.ts';
import { createDocumentClient } from '#store/client.ts';
import { itemReader } from '#store/details.ts';

const busName = requiredVariable('EVENT_BUS_NAME');
const table = {
  client: createDocumentClient(process.env.DYNAMODB_ENDPOINT || undefined),
  tableName: requiredVariable('TABLE_NAME'),
};
// Large details are not in the stream's images: they are read from the details item or the history.
const readItem = itemReader(table);
// A connection purged by TTL: its history and details go once its event is out.
const purge = purgeIn(table);

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

const eventBridge = new EventBridgeClient({ maxAttempts: 3 });
// Each event also goes to its environment's channel, at most once (functions/events/channels.ts),
// signed with the credentials and hash the EventBridge client already has.
const channels = appSyncChannelPublisher({
  url: requiredVariable('WATCH_PUBLISH_URL'),
  region: requiredVariable('AWS_REGION'),
  credentials: eventBridge.config.credentials,
  sha256: eventBridge.config.sha256,
  onFailure: (failure) => {
    logger.warn('events not published to their channel; watchers catch up by reading', failure);
    metrics().addMetric('ChannelPublishFailures', MetricUnit.Count, failure.events);
  },
});
const sink = withChannels(eventBridgeSink(eventBridge, busName), channels);

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const { failedFrom, published } = await publish(event.Records.map(sequencedRecord), sink, readItem, purge);
  flushMetrics();
  if (failedFrom) logger.warn('events not published; the stream will retry from the first', { failedFrom, published });
  return { batchItemFailures: failedFrom ? [{ itemIdentifier: failedFrom }] : [] };
}
