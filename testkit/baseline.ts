/**
 * The floor every function is measured against: a Lambda handler that only builds the DynamoDB
 * document client. No function can load faster than this; each must stay within 1.3× of it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (): Promise<{ statusCode: number; body: string }> => ({
  statusCode: 200,
  body: String(typeof client.send),
});
