/**
 * Local events: reads DynamoDB Local's change stream and runs the publisher Lambda's code with a
 * sink that appends, per event, the envelope an EventBridge subscriber would receive as one JSON
 * line to a file. Lets a provisioning worker be developed against the local service.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as RawRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { eventEnvelope, type ConnectionEvent } from '../functions/events/events.ts';
import { publish, sequencedRecord, type EventSink, type StreamRecord } from '../functions/events/publisher.ts';
import { purgeIn } from '../functions/events/purge.ts';
import { PUBLISHED_RECORDS } from '../functions/events/stream-filter.ts';
import { matchesPattern } from './event-filter.ts';
import { adminClient } from './environment.ts';
import { startTtlDeleter } from './ttl-deleter.ts';
import { createDocumentClient } from '#store/client.ts';
import { itemReader } from '#store/details.ts';

const POLL_MS = 200;

/** The envelope EventBridge hands a subscriber. */
export function envelope(event: ConnectionEvent) {
  return { version: '0', ...eventEnvelope(event), account: '000000000000', region: 'local', resources: [] };
}

export function fileSink(path: string): EventSink {
  return {
    async put(events) {
      await mkdir(dirname(path), { recursive: true });
      await appendFile(path, events.map((event) => `${JSON.stringify(envelope(event))}\n`).join(''));
      return new Set();
    },
  };
}

export interface StreamFollower {
  stop(): Promise<void>;
}

/**
 * Publishes the events of the table's changes from now on, as the publisher Lambda does in AWS:
 * only the records the stack's event filters let through to it (stream-filter.ts), each as Lambda
 * hands it over; DynamoDB's TTL deletes made by a stand-in (ttl-deleter.ts) and marked as AWS marks
 * them; and a purged connection's history and details deleted once its event is out.
 */
export async function publishStream(endpoint: string, tableName: string, sink: EventSink): Promise<StreamFollower> {
  const client = createDocumentClient(endpoint);
  const read = itemReader({ client, tableName });
  const purge = purgeIn({ client, tableName });
  const tables = adminClient(endpoint);
  const ttl = await startTtlDeleter(tables, tableName);
  const follower = await followStream(endpoint, tableName, async (records) => {
    ttl.observe(records);
    const forPublisher = records
      .map((record) => lambdaRecord(record, ttl.identityOf(record)))
      .filter((record) => PUBLISHED_RECORDS.some((pattern) => matchesPattern(pattern, record)));
    const { failedFrom } = await publish(forPublisher.map(sequencedRecord), sink, read, purge);
    if (failedFrom) throw new Error(`events from ${failedFrom} not published; the batch is read again`);
  });
  return {
    stop: async () => {
      ttl.stop();
      await follower.stop();
      client.destroy();
      tables.destroy();
    },
  };
}

/** A record of the Streams API as Lambda hands it to a function (its identity, its time in epoch seconds). */
export function lambdaRecord(record: RawRecord, identity?: { type: string; principalId: string }): StreamRecord {
  const at = record.dynamodb?.ApproximateCreationDateTime;
  return {
    eventName: record.eventName,
    ...(identity ? { userIdentity: { type: identity.type, principalId: identity.principalId } } : {}),
    dynamodb: {
      ...(record.dynamodb as Omit<StreamRecord['dynamodb'], 'ApproximateCreationDateTime'>),
      ...(at === undefined ? {} : { ApproximateCreationDateTime: Math.floor(at.getTime() / 1000) }),
    },
  };
}

/**
 * Hands every batch of the table's stream records, from the moment this resolves, to `consume`.
 * A batch whose consumer throws is read again on the next poll: at least once, as in AWS.
 */
export async function followStream(
  endpoint: string,
  tableName: string,
  consume: (records: RawRecord[]) => Promise<void>,
): Promise<StreamFollower> {
  const config = { endpoint, region: process.env.AWS_REGION ?? 'local' };
  const tables = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  const { Table } = await tables.send(new DescribeTableCommand({ TableName: tableName }));
  tables.destroy();
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${tableName} has no stream`);

  const iterators = new Map<string, string>();
  const finished = new Set<string>();
  const discover = async (type: 'LATEST' | 'TRIM_HORIZON') => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      const id = shard.ShardId!;
      if (iterators.has(id) || finished.has(id)) continue;
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: id, ShardIteratorType: type }),
      );
      if (ShardIterator) iterators.set(id, ShardIterator);
    }
  };
  // Shards open now are read from now on; shards that appear later, from their beginning.
  await discover('LATEST');

  let running = true;
  const poll = async () => {
    while (running) {
      try {
        await discover('TRIM_HORIZON');
        for (const [id, iterator] of iterators) {
          const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
          if (out.Records?.length) await consume(out.Records);
          if (out.NextShardIterator) iterators.set(id, out.NextShardIterator);
          else {
            iterators.delete(id);
            finished.add(id);
          }
        }
      } catch (error) {
        if (running)
          console.error(JSON.stringify({ level: 'WARN', message: 'local event stream', error: String(error) }));
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };
  const loop = poll();
  return {
    stop: async () => {
      running = false;
      await loop;
      streams.destroy();
    },
  };
}
