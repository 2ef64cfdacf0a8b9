/**
 * What a handler adds to the DynamoDB call it wraps (middleware, validation, serialization), in
 * process against DynamoDB Local: the get and list handlers against the very request each sends,
 * sent raw with the same document client. Each iteration runs both, so noise hits both alike.
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isDeepStrictEqual } from 'node:util';
import type { RouteId } from '../functions/routes.ts';
import { keys } from '#store/keys.ts';
import type { Scope } from '#model/vocabulary.ts';
import { TABLE } from '#store/table-definition.ts';
import { median } from './report.ts';
import { call, type RequestSpec } from '../testkit/requests.ts';
import { generateConnections, seedConnections } from '../testkit/seed.ts';

export interface Overhead {
  readonly name: string;
  readonly handlerMs: number;
  readonly rawMs: number;
  /** (handler − raw) / raw. */
  readonly overhead: number;
  readonly iterations: number;
}

const PAGE = 50;

export async function measureHandlerOverhead(
  client: DynamoDBDocumentClient,
  tableName: string,
  iterations: number,
): Promise<Overhead[]> {
  const scope: Scope = { projectSlug: 'bench', environmentSlug: 'overhead' };
  const connections = generateConnections(scope, PAGE + 10, false);
  await seedConnections(client, tableName, connections);
  const id = connections[0]!.id;

  const get = new GetCommand({ TableName: tableName, Key: keys.connection(scope, id), ConsistentRead: true });
  const query = new QueryCommand({
    TableName: tableName,
    IndexName: TABLE.indexes.byEnvironment.indexName,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': TABLE.indexes.byEnvironment.partitionKey },
    ExpressionAttributeValues: { ':pk': keys.environmentPartition(scope, 'LIVE') },
    Limit: PAGE,
  });
  return [
    await compare(
      client,
      'get: handler vs GetItem',
      'getConnection',
      scope,
      { path: { connectionId: id } },
      get,
      iterations,
    ),
    await compare(
      client,
      `list page of ${PAGE}: handler vs Query`,
      'listConnections',
      scope,
      { query: `limit=${PAGE}` },
      query,
      iterations,
    ),
  ];
}

async function compare(
  client: DynamoDBDocumentClient,
  name: string,
  route: RouteId,
  scope: Scope,
  spec: RequestSpec,
  raw: GetCommand | QueryCommand,
  iterations: number,
): Promise<Overhead> {
  await sameRequest(client, route, scope, spec, raw);
  const handlerMs: number[] = [];
  const rawMs: number[] = [];
  const warmUp = Math.ceil(iterations / 10);
  for (let i = 0; i < warmUp + iterations; i++) {
    let started = performance.now();
    const answer = await call(route, scope, spec);
    const h = performance.now() - started;
    if (answer.statusCode !== 200) throw new Error(`${route} answered ${answer.statusCode}: ${answer.text}`);
    started = performance.now();
    await client.send(raw as GetCommand);
    const r = performance.now() - started;
    if (i >= warmUp) {
      handlerMs.push(h);
      rawMs.push(r);
    }
  }
  const h = median(handlerMs);
  const r = median(rawMs);
  return { name, handlerMs: h, rawMs: r, overhead: (h - r) / r, iterations };
}

/** The raw call must be exactly the request the handler sends, or the comparison means nothing. */
async function sameRequest(
  client: DynamoDBDocumentClient,
  route: RouteId,
  scope: Scope,
  spec: RequestSpec,
  raw: GetCommand | QueryCommand,
) {
  const inputs: unknown[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      inputs.push(structuredClone(args.input));
      return next(args);
    },
    { step: 'serialize', name: 'benchCapture' },
  );
  try {
    await call(route, scope, spec);
    await client.send(raw as GetCommand);
  } finally {
    client.middlewareStack.remove('benchCapture');
  }
  if (inputs.length !== 2 || !isDeepStrictEqual(inputs[0], inputs[1])) {
    throw new Error(`the raw call differs from what ${route} sends: ${JSON.stringify(inputs)}`);
  }
}
