/**
 * What is left of a soft-deleted connection once DynamoDB's TTL has removed its item at the end of
 * its retention: its history entries and its details item, all under its partition key. The
 * publisher deletes them once the connection's `Connection Purged` event is out (the event reads
 * the details). Deleting again finds less, or nothing: a redelivered purge is harmless. The
 * connection item never comes back: every change of it is conditional on the version it read.
 */
import { BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '#store/keys.ts';
import { TABLE } from '#store/table-definition.ts';
import type { Scope } from '#model/vocabulary.ts';
import type { Purge } from './publisher.ts';

/** Deletes per BatchWriteItem (DynamoDB's most), and tries of what it leaves unprocessed. */
const BATCH = 25;
const TRIES = 5;

export interface PurgeTarget {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** The publisher's purge: what is left of the connection a purge record removed. */
export const purgeIn =
  (target: PurgeTarget): Purge =>
  async ({ oldImage }) => {
    const scope = { projectSlug: String(oldImage!.projectSlug), environmentSlug: String(oldImage!.environmentSlug) };
    await purgeConnection(target, scope, String(oldImage!.id));
  };

/** Deletes every item left under the connection's partition key; answers how many. */
export async function purgeConnection({ client, tableName }: PurgeTarget, scope: Scope, id: string): Promise<number> {
  const { partitionKey, sortKey } = TABLE;
  let deleted = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
        ExpressionAttributeValues: { ':pk': keys.connection(scope, id).pk },
        ProjectionExpression: '#pk, #sk',
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    const items = page.Items ?? [];
    for (let i = 0; i < items.length; i += BATCH) await deleteAll(client, tableName, items.slice(i, i + BATCH));
    deleted += items.length;
    start = page.LastEvaluatedKey;
  } while (start);
  return deleted;
}

async function deleteAll(client: DynamoDBDocumentClient, tableName: string, keysLeft: Record<string, unknown>[]) {
  let requests = keysLeft.map((Key) => ({ DeleteRequest: { Key } }));
  for (let attempt = 1; requests.length > 0; attempt++) {
    // What DynamoDB leaves unprocessed is its back-pressure: the stream retries the batch later.
    if (attempt > TRIES) throw new Error(`purge: ${requests.length} deletes left unprocessed`);
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt * Math.random()));
    const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
    requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
  }
}
