/**
 * One typical request per function and per round, for the first-invocation figure: each round's
 * request must do the real work on fresh data (a delete needs a live connection of its own, a
 * restore a deleted one), so the data is made first, through the deployed create and delete
 * bundles themselves. The publisher gets a batch of real records read off DynamoDB Local's stream.
 * A GET route's request is made from its path; any other route's is written in `special` below.
 */
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import { routeById, ROUTES, type RouteId } from '../functions/routes.ts';
import { type Route } from '../functions/route-table/shape.ts';
import { followStream } from '../local/stream-events.ts';
import { gatewayEvent, type GatewayRequest } from '../local/gateway.ts';
import { streamEvent, tokenClaims } from '../testkit/gateway-events.ts';
import type { LambdaProcess } from '../testkit/lambda-process.ts';

const PROJECT = 'bench';
const ENV = 'cold';
const BASE = `/api/${PROJECT}/${ENV}`;
const SCOPES = ['connections:read', 'connections:write'];
const claims = tokenClaims({ projects: [`${PROJECT}/${ENV}`], scopes: SCOPES });

const request = (id: RouteId, path: string, extra: Partial<GatewayRequest> = {}) =>
  gatewayEvent({
    route: routeById(id),
    path,
    ...(routeById(id).scope ? { claims, scopes: SCOPES } : {}),
    ...extra,
  });

const json = (body: unknown): Partial<GatewayRequest> => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const pair = (source: string, target: string) => ({
  sourceResourceType: 'application',
  sourceResourceId: source,
  targetResourceType: 'instance',
  targetResourceId: target,
});

/** Creates connections with the deployed create bundle; returns their ids. */
async function createAll(create: LambdaProcess, bodies: readonly unknown[]): Promise<string[]> {
  const ids: string[] = [];
  for (const body of bodies) {
    const answer = await create.invoke(request('createConnection', `${BASE}/resource-connections`, json(body)));
    const result = answer.result as { statusCode: number; body: string } | undefined;
    if (result?.statusCode !== 201) throw new Error(`seeding: create answered ${JSON.stringify(answer)}`);
    ids.push((JSON.parse(result.body) as { id: string }).id);
  }
  return ids;
}

export interface Seeders {
  readonly create: LambdaProcess;
  readonly remove: LambdaProcess;
}

/** Per function name, one event per round. */
export async function firstRequests(
  rounds: number,
  seeders: Seeders,
  dynamo: { endpoint: string; tableName: string },
): Promise<Map<string, unknown[]>> {
  const run = Date.now().toString(36);
  const records: StreamRecord[] = [];
  const stream = await followStream(dynamo.endpoint, dynamo.tableName, async (batch) => {
    records.push(...batch);
  });
  const [main] = await createAll(seeders.create, [pair(`app-${run}`, `i-${run}`)]);
  const toDelete = await createAll(
    seeders.create,
    Array.from({ length: rounds }, (_, i) => pair(`del-${run}-${i}`, `i-${run}`)),
  );
  const toRestore = await createAll(
    seeders.create,
    Array.from({ length: rounds }, (_, i) => pair(`res-${run}-${i}`, `i-${run}`)),
  );
  for (const id of toRestore) {
    await seeders.remove.invoke(request('deleteConnection', `${BASE}/resource-connections/${id}`));
  }
  await createAll(
    seeders.create,
    Array.from({ length: rounds }, (_, i) => pair(`app-${run}`, `cascade-${run}-${i}`)),
  );
  // The stream follower polls; wait for the first INSERT of a connection item.
  const deadline = Date.now() + 10_000;
  let insert: StreamRecord | undefined;
  while (!insert && Date.now() < deadline) {
    insert = records.find((r) => r.eventName === 'INSERT' && r.dynamodb?.NewImage?.sk?.S === 'CONNECTION');
    if (!insert) await new Promise((done) => setTimeout(done, 100));
  }
  await stream.stop();
  if (!insert) throw new Error('no INSERT record read from the stream');
  const streamArn = `arn:aws:dynamodb:eu-west-1:123456789012:table/${dynamo.tableName}/stream/2026-01-01T00:00:00.000`;

  const perRound = (build: (i: number) => unknown) => Array.from({ length: rounds }, (_, i) => build(i));
  const conn = `${BASE}/resource-connections`;
  /** Requests a route's path alone cannot make: a body, a query, or data of their own each round. */
  const special: Partial<Record<RouteId, (i: number) => unknown>> = {
    createConnection: (i) => request('createConnection', conn, json(pair(`new-${run}-${i}`, 'i-new'))),
    listConnections: () => request('listConnections', conn, { rawQueryString: 'limit=50' }),
    updateConnection: (i) =>
      request('updateConnection', `${conn}/${main}`, {
        headers: { 'content-type': 'application/merge-patch+json' },
        body: JSON.stringify({ details: { round: i } }),
      }),
    deleteConnection: (i) => request('deleteConnection', `${conn}/${toDelete[i]}`),
    validateConnection: () => request('validateConnection', `${conn}/validate`, json(pair(`v-${run}`, 'i-v'))),
    restoreConnection: (i) => request('restoreConnection', `${conn}/${toRestore[i]}/restore`),
    deleteResourceConnections: (i) =>
      request('deleteResourceConnections', `${BASE}/resources/instance/cascade-${run}-${i}/connections`),
    notFound: () => request('notFound', '/no-such-route'),
  };
  const values: Record<string, string> = {
    projectSlug: PROJECT,
    environmentSlug: ENV,
    connectionId: main!,
    resourceType: 'instance',
    resourceId: `i-${run}`,
    asset: 'topology.js',
  };
  return new Map<string, unknown[]>([
    ...ROUTES.map((route): [string, unknown[]] => [
      route.handler,
      perRound(special[route.id] ?? (() => fromPath(route, values))),
    ]),
    ['publish-events', perRound(() => streamEvent([insert], streamArn))],
  ]);
}

/** A GET route's request, its path filled in from `values`. */
function fromPath(route: Route, values: Record<string, string>): unknown {
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (values[name] === undefined) throw new Error(`bench/first-requests.ts: no value for {${name}} of ${route.id}`);
    return values[name];
  });
  if (route.method !== 'GET')
    throw new Error(`bench/first-requests.ts: ${route.method} ${route.id} needs its request written in \`special\``);
  return request(route.id as RouteId, path);
}
