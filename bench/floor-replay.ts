/**
 * The same-requests floor: the floor's document client (testkit/baseline.ts) sending, on its first
 * invocation, exactly the DynamoDB requests a function's first request sent (testkit/request-recorder.ts),
 * in the same groups, each group's requests in parallel. A request to another service (the
 * publisher's PutEvents) is stood in for by a GetItem, a round trip of the same kind. Whatever a
 * function takes beyond this is its own code, not the database's work. Built without a source map.
 */
import { DynamoDBClient, GetItemCommand, QueryCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RequestGroups } from '../testkit/request-recorder.ts';

const dynamo = new DynamoDBClient({});
// Built as the floor builds it (the same code to import); the replay sends wire JSON, so through `dynamo`.
DynamoDBDocumentClient.from(dynamo);

const standIn = () =>
  new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { pk: { S: 'floor' }, sk: { S: 'floor' } } });

// The operations the functions send (functions/store); the input is the wire JSON, which is the
// low-level command's input as it is.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- recorded JSON, checked by DynamoDB
const send = (operation: string, input: any): Promise<unknown> => {
  if (operation === 'GetItem') return dynamo.send(new GetItemCommand(input));
  if (operation === 'Query') return dynamo.send(new QueryCommand(input));
  if (operation === 'TransactWriteItems') return dynamo.send(new TransactWriteItemsCommand(input));
  if (operation === 'PutEvents') return dynamo.send(standIn());
  throw new Error(`the floor cannot replay ${operation}`);
};

export const handler = async (event: { groups: RequestGroups }): Promise<{ statusCode: number; body: string }> => {
  let requests = 0;
  for (const group of event.groups) {
    await Promise.all(group.map(({ operation, input }) => send(operation, input)));
    requests += group.length;
  }
  return { statusCode: 200, body: JSON.stringify({ requests }) };
};
