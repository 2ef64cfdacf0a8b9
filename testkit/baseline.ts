/**
 * The floor every function is measured against: a Lambda handler that only builds the DynamoDB
 * document client, and on its first invocation sends one GetItem (so that the SDK's lazily loaded
 * parts, credentials and the connection count, as in a function's first request). No function can
 * start faster than this; each must stay within 1.3× of it. Built without a source map.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (): Promise<{ statusCode: number; body: string }> => {
  const { Item } = await client.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: 'floor', sk: 'floor' } }),
  );
  return { statusCode: 200, body: JSON.stringify(Item ?? null) };
};
