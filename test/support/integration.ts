/** What integration tests share: the document client on DynamoDB Local, and a fresh scope per test. */
import { randomBytes } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#store/client.ts';
import { seedingClient } from '../../testkit/seed.ts';
import type { Scope } from '#model/vocabulary.ts';
import type { QueryObserver } from '#store/paging/query-range.ts';
import { ConnectionRepository } from '#store/repository.ts';

export const tableName = process.env.TABLE_NAME!;
export const pageTokenSecret = process.env.PAGE_TOKEN_SECRET!;
export const client = createDocumentClient(process.env.DYNAMODB_ENDPOINT);
/** For seeding thousands of items: patient, where the store's client gives up within seconds. */
export const seeder = seedingClient(process.env.DYNAMODB_ENDPOINT!);

/** A project slug no other test uses: tests share one table and never see each other's data. */
export const freshScope = (environmentSlug = 'test'): Scope => ({
  projectSlug: `p-${randomBytes(6).toString('hex')}`,
  environmentSlug,
});

export const newRepository = (observe?: QueryObserver) =>
  new ConnectionRepository({ client, tableName, pageTokenSecret, observeQuery: observe });

/** Every stored item under one partition key, straight from the table. */
export async function itemsUnder(pk: string): Promise<Record<string, unknown>[]> {
  const out = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}
