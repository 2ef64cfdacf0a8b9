/**
 * Every data route as deployed, held to its role: each bundle in its own process, its DynamoDB
 * calls through the IAM gate that allows what its role in the synthesized template allows and
 * refuses the rest as AWS does. Each route runs with small details (inline in the connection) and
 * large ones (over 200 bytes, in an item of their own), and so do idempotent replays, restore and
 * neighbourhoods (the cascade: cascade-race.test.ts). What a route may not do fails here as it would
 * in AWS: an AccessDeniedException, answered 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryString } from '../../testkit/gateway-events.ts';
import { ROUTES } from '../../functions/routes.ts';
import { jsonBody, startRoutes, type RunningRoutes } from './support/routes.ts';

/** Every route behind a token, but the cascade (cascade-race.test.ts). */
const DATA_ROUTES = ROUTES.filter((route) => route.scope !== null && route.id !== 'deleteResourceConnections').map(
  (route) => route.id,
);
const SMALL = { port: 5432 };
/** Over the 200 bytes kept in the connection item. */
const LARGE = { runbook: 'https://runbooks.example.com/'.padEnd(300, 'x'), port: 5432 };

let routes: RunningRoutes;
beforeAll(async () => {
  routes = await startRoutes(DATA_ROUTES, { project: 'iam', environment: `run-${Date.now().toString(36)}` });
}, 120_000);
afterAll(() => routes?.stop());

type Connection = { id: string; version: number; details: Record<string, unknown>; status: string };

async function create(source: string, target: string, details?: object, headers: Record<string, string> = {}) {
  const body = {
    sourceResourceType: 'application',
    sourceResourceId: source,
    targetResourceType: 'instance',
    targetResourceId: target,
    ...(details ? { details } : {}),
  };
  const answer = await routes.send('createConnection', `${routes.base}/resource-connections`, {
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { answer, connection: answer.json() as Connection };
}

const path = (id: string) => `${routes.base}/resource-connections/${id}`;
const items = (answer: { json: () => unknown }) => (answer.json() as { items: Connection[] }).items;

describe.each([
  ['small', SMALL],
  ['large', LARGE],
])('with %s details', (size, details) => {
  const target = `i-${size}`;
  let made: Connection;

  beforeAll(async () => {
    const { answer, connection } = await create(`app-${size}`, target, details);
    expect(answer.statusCode, answer.body).toBe(201);
    made = connection;
  });

  it('gets the connection', async () => {
    const got = await routes.send('getConnection', path(made.id));
    expect(got.statusCode, got.body).toBe(200);
    expect(got.json()).toMatchObject({ id: made.id, details });
  });

  it.each([
    ['the environment', [] as [string, string][]],
    ['a status', [['status', 'pending']] as [string, string][]],
    ['a source', [['sourceResourceType', 'application']] as [string, string][]],
    [
      'a target',
      [
        ['targetResourceId', target],
        ['targetResourceType', 'instance'],
      ] as [string, string][],
    ],
  ])('lists it by %s, page by page', async (_by, filters) => {
    const seen: Connection[] = [];
    let nextToken: string | undefined;
    do {
      const query = [...filters, ['limit', '1'], ...(nextToken ? [['nextToken', nextToken]] : [])] as [
        string,
        string,
      ][];
      const page = await routes.send('listConnections', `${routes.base}/resource-connections`, {
        rawQueryString: queryString(query),
      });
      expect(page.statusCode, page.body).toBe(200);
      seen.push(...items(page));
      nextToken = (page.json() as { nextToken: string | null }).nextToken ?? undefined;
    } while (nextToken);
    expect(seen.find((c) => c.id === made.id)).toMatchObject({ details });
  });

  it("lists the resource's connections", async () => {
    const answer = await routes.send(
      'listResourceConnections',
      `${routes.base}/resources/instance/${target}/connections`,
    );
    expect(answer.statusCode, answer.body).toBe(200);
    expect(items(answer)).toMatchObject([{ id: made.id, details }]);
  });

  it('validates the same pair again: a duplicate', async () => {
    const answer = await routes.send(
      'validateConnection',
      `${routes.base}/resource-connections/validate`,
      jsonBody({
        sourceResourceType: 'application',
        sourceResourceId: `app-${size}`,
        targetResourceType: 'instance',
        targetResourceId: target,
      }),
    );
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toMatchObject({ valid: false, problem: { code: 'DUPLICATE_CONNECTION' } });
  });

  it('updates, deletes, shows the history, restores, and updates its details to small and back', async () => {
    const patched = await routes.send(
      'updateConnection',
      path(made.id),
      jsonBody({ status: 'connecting' }, 'application/merge-patch+json'),
    );
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ status: 'connecting', details, version: 2 });
    expect((await routes.send('deleteConnection', path(made.id))).statusCode).toBe(204);
    const history = await routes.send('getConnectionHistory', `${path(made.id)}/history`);
    expect(items(history).map((entry) => (entry as unknown as { action: string }).action)).toEqual([
      'created',
      'updated',
      'deleted',
    ]);
    const restored = await routes.send('restoreConnection', `${path(made.id)}/restore`);
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json()).toMatchObject({ status: 'pending', details });
    const other = size === 'small' ? LARGE : null;
    const moved = await routes.send(
      'updateConnection',
      path(made.id),
      jsonBody({ details: other }, 'application/merge-patch+json'),
    );
    expect(moved.statusCode, moved.body).toBe(200);
    expect((moved.json() as Connection).details).toEqual(other === null ? {} : { ...details, ...other });
  });
});

describe('creates', () => {
  it('answers a repeat with the same Idempotency-Key as the first, replayed', async () => {
    const key = `iam-${Date.now()}`;
    const first = await create('app-replay', 'i-replay', LARGE, { 'idempotency-key': key });
    const again = await create('app-replay', 'i-replay', LARGE, { 'idempotency-key': key });
    expect(first.answer.statusCode, first.answer.body).toBe(201);
    expect(again.answer.statusCode, again.answer.body).toBe(201);
    expect(again.answer.headers['idempotent-replayed']).toBe('true');
    expect(again.connection).toEqual(first.connection);
  });

  it('refuses a second connection of the same pair', async () => {
    await create('app-twice', 'i-twice');
    const again = await create('app-twice', 'i-twice', LARGE);
    expect(again.answer.statusCode).toBe(409);
  });
});

describe('the graph', () => {
  beforeAll(async () => {
    await create('app-graph', 'i-graph', LARGE);
  });

  it.each([[[]], [[['status', 'pending']]]] as [[string, string][]][])('pages the environment %j', async (query) => {
    const answer = await routes.send('getGraph', `${routes.base}/graph`, { rawQueryString: queryString(query) });
    expect(answer.statusCode, answer.body).toBe(200);
    expect((answer.json() as { edges: unknown[] }).edges.length).toBeGreaterThan(0);
  });

  it('reads the neighbourhood of a resource, both ways', async () => {
    const answer = await routes.send('getGraph', `${routes.base}/graph`, {
      rawQueryString: queryString([
        ['resourceType', 'instance'],
        ['resourceId', 'i-graph'],
        ['direction', 'both'],
        ['depth', '2'],
      ]),
    });
    expect(answer.statusCode, answer.body).toBe(200);
    expect((answer.json() as { edges: unknown[] }).edges).toHaveLength(1);
  });
});
