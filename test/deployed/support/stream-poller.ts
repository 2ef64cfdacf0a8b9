/**
 * What Lambda's event source mapping does for the publisher: reads the table's stream with the
 * publisher's role (its credentials, through the IAM gate), using the four actions Lambda requires
 * of that role: ListStreams, DescribeStream, GetShardIterator and GetRecords. The records it
 * gathers are the batches the publisher is then handed.
 */
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { accessKeyIdOf, LAMBDA_LOCATION } from '../../../testkit/deployed.ts';

export interface StreamPoller {
  readonly records: StreamRecord[];
  stop(): Promise<void>;
}

/** Follows the table's stream from now on, as the function `functionName`, until stopped. */
export async function pollStream(endpoint: string, tableName: string, functionName: string): Promise<StreamPoller> {
  const streams = new DynamoDBStreamsClient({
    endpoint,
    region: LAMBDA_LOCATION.region,
    credentials: { accessKeyId: accessKeyIdOf(functionName), secretAccessKey: 'local', sessionToken: 'local' },
  });
  const { Streams } = await streams.send(new ListStreamsCommand({ TableName: tableName }));
  const streamArn = Streams?.[0]?.StreamArn;
  if (!streamArn) throw new Error(`table ${tableName} has no stream`);

  const records: StreamRecord[] = [];
  const iterators = new Map<string, string>();
  const finished = new Set<string>();
  const discover = async (type: 'LATEST' | 'TRIM_HORIZON') => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const { ShardId: id } of StreamDescription?.Shards ?? []) {
      if (!id || iterators.has(id) || finished.has(id)) continue;
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: id, ShardIteratorType: type }),
      );
      if (ShardIterator) iterators.set(id, ShardIterator);
    }
  };
  // Shards open now are read from now on; shards that appear later, from their beginning.
  await discover('LATEST');
  let running = true;
  const loop = (async () => {
    while (running) {
      await discover('TRIM_HORIZON');
      for (const [id, iterator] of iterators) {
        const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        records.push(...(out.Records ?? []));
        if (out.NextShardIterator) iterators.set(id, out.NextShardIterator);
        else {
          iterators.delete(id);
          finished.add(id);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    records,
    stop: async () => {
      running = false;
      await loop;
      streams.destroy();
    },
  };
}
