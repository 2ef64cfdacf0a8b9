/**
 * What a handler adds to the DynamoDB call it wraps (middleware, validation, serialization), in
 * process against DynamoDB Local: the get and list handlers against the very requests each sends,
 * sent raw (and at once) with the same document client. Each iteration runs both, so noise hits
 * both alike.
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RouteId } from '../functions/routes.ts';
import type { Scope } from '#model/vocabulary.ts';
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
  return [
    await compare(
      client,
      'get: handler vs GetItem',
      'getConnection',
      scope,
      { path: { connectionId: id } },
      iterations,
    ),
    await compare(
      client,
      `list page of ${PAGE}: handler vs its Queries`,
      'listConnections',
      scope,
      { query: `limit=${PAGE}` },
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
  iterations: number,
): Promise<Overhead> {
  const raw = await requestsOf(client, route, scope, spec);
  const handlerMs: number[] = [];
  const rawMs: number[] = [];
  const warmUp = Math.ceil(iterations / 10);
  for (let i = 0; i < warmUp + iterations; i++) {
    let started = performance.now();
    const answer = await call(route, scope, spec);
    const h = performance.now() - started;
    if (answer.statusCode !== 200) throw new Error(`${route} answered ${answer.statusCode}: ${answer.text}`);
    started = performance.now();
    await Promise.all(raw.map((command) => client.send(command as GetCommand)));
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

/**
 * The very requests the handler sends (a list page sends one Query per shard), as commands to send
 * raw and at once: what a handler adds is measured against them.
 */
async function requestsOf(
  client: DynamoDBDocumentClient,
  route: RouteId,
  scope: Scope,
  spec: RequestSpec,
): Promise<(GetCommand | QueryCommand)[]> {
  const commands: (GetCommand | QueryCommand)[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = structuredClone(args.input) as never;
      commands.push(context.commandName === 'GetCommand' ? new GetCommand(input) : new QueryCommand(input));
      return next(args);
    },
    // Before the document client marshals the input: the commands are built from it again.
    { step: 'initialize', priority: 'high', name: 'benchCapture' },
  );
  try {
    await call(route, scope, spec);
  } finally {
    client.middlewareStack.remove('benchCapture');
  }
  const foreign = commands.filter((c) => !(c instanceof GetCommand || c instanceof QueryCommand));
  if (commands.length === 0 || foreign.length > 0) throw new Error(`${route} sent no reads to compare with`);
  return commands;
}
