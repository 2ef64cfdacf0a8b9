/**
 * Under `npm start`, a stand-in for DynamoDB's TTL deleter, which DynamoDB Local lacks (it takes the
 * TTL setting and never deletes anything): it deletes each item some time after the epoch second in
 * its TTL attribute (on the next tick, every second), if that time is still past when it deletes
 * (a restore that cleared it saves the item, as in AWS), and marks the REMOVE record that deletion
 * puts on the stream with the identity AWS gives its own TTL deletes, so the publisher tells a purge
 * from any other delete the same way in both places.
 *
 * It learns which items expire from the stream it follows beside the publisher (every INSERT or
 * MODIFY that carries the attribute, forgotten on REMOVE or when a write drops it), and, once at
 * start, from the items already stored (a Scan: what DynamoDB's background process reads too).
 */
import { DeleteItemCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import { TTL_IDENTITY } from '../functions/events/stream-filter.ts';
import { TABLE } from '#store/table-definition.ts';

const TICK_MS = 1000;
/** How long a delete is remembered: far longer than the stream takes to show it. */
const FORGET_MS = 10 * 60_000;
const TTL = TABLE.timeToLiveAttribute;
type Key = Record<string, AttributeValue>;

export interface TtlDeleter {
  /** Learns expiries from a batch of stream records, and says which of them its own deletes made. */
  observe(records: readonly StreamRecord[]): void;
  /** The identity of a record: DynamoDB's TTL identity for the REMOVE of an item this deleted. */
  identityOf(record: StreamRecord): typeof TTL_IDENTITY | undefined;
  stop(): void;
}

const keyOf = (key: Key | undefined): string =>
  `${key?.[TABLE.partitionKey]?.S ?? ''}|${key?.[TABLE.sortKey]?.S ?? ''}`;

export async function startTtlDeleter(client: DynamoDBClient, tableName: string): Promise<TtlDeleter> {
  /** Items with a TTL: their key, and when they expire (epoch seconds). */
  const expiring = new Map<string, { key: Key; at: number }>();
  /** Items this deleted, and when: their REMOVE records are marked (a batch read again is marked again). */
  const deleted = new Map<string, number>();
  const remember = (key: Key, image: Key | undefined) => {
    const at = image?.[TTL]?.N;
    if (at === undefined) expiring.delete(keyOf(key));
    else expiring.set(keyOf(key), { key, at: Number(at) });
  };

  let start: Key | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'attribute_exists(#ttl)',
        ProjectionExpression: '#pk, #sk, #ttl',
        ExpressionAttributeNames: { '#ttl': TTL, '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const { [TTL]: _, ...key } = item;
      remember(key, item);
    }
    start = page.LastEvaluatedKey;
  } while (start);

  let running = true;
  const tick = async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const [id, when] of deleted) if (Date.now() - when > FORGET_MS) deleted.delete(id);
    for (const [id, { key, at }] of expiring) {
      if (at > now || !running) continue;
      expiring.delete(id);
      deleted.set(id, Date.now());
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: key,
            ConditionExpression: '#ttl <= :now',
            ExpressionAttributeNames: { '#ttl': TTL },
            ExpressionAttributeValues: { ':now': { N: String(now) } },
          }),
        );
      } catch (error) {
        deleted.delete(id);
        // Written again since with a later expiry, or none (restored): not this deleter's to remove.
        if ((error as Error).name !== 'ConditionalCheckFailedException')
          console.error(JSON.stringify({ level: 'WARN', message: 'local TTL deleter', error: String(error) }));
      }
    }
  };
  const timer = setInterval(() => void tick(), TICK_MS);

  return {
    observe(records) {
      for (const record of records) {
        const key = record.dynamodb?.Keys as Key | undefined;
        if (!key) continue;
        if (record.eventName === 'REMOVE') expiring.delete(keyOf(key));
        else remember(key, record.dynamodb?.NewImage as Key | undefined);
      }
    },
    identityOf(record) {
      const id = keyOf(record.dynamodb?.Keys as Key | undefined);
      return record.eventName === 'REMOVE' && deleted.has(id) ? TTL_IDENTITY : undefined;
    },
    stop() {
      running = false;
      clearInterval(timer);
    },
  };
}
