/**
 * Every HTTP function as deployed: its cdk.out bundle in its own process, its template's
 * environment, API Gateway payload 2.0 events built from captured ones (claims as strings, scopes
 * null without a scope claim, repeated query values comma-joined, non-text bodies base64-encoded),
 * against DynamoDB Local.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayEvent, type GatewayRequest } from '../../local/gateway.ts';
import { tokenClaims, queryString } from '../../testkit/gateway-events.ts';
import type { LambdaProcess } from '../../testkit/lambda-process.ts';
import { routeById, ROUTES, type RouteId } from '../../functions/routes.ts';
import { call, startFunction } from './support/deployed.ts';

const PROJECT = 'deployed';
const ENV = `run-${Date.now().toString(36)}`;
const BASE = `/api/${PROJECT}/${ENV}`;
const SCOPES = ['connections:read', 'connections:write'];
const claims = tokenClaims({ projects: [`${PROJECT}/${ENV}`], scopes: SCOPES });

const running = new Map<RouteId, LambdaProcess>();

beforeAll(async () => {
  const started = await Promise.all(
    ROUTES.map(async (route) => [route.id, await startFunction(route.handler)] as const),
  );
  for (const [id, fn] of started) running.set(id, fn);
}, 120_000);

afterAll(async () => {
  await Promise.all([...running.values()].map((fn) => fn.stop()));
});

/** Sends one request, as API Gateway would, to the route's own function. */
function send(id: RouteId, path: string, extra: Partial<GatewayRequest> = {}) {
  const route = routeById(id);
  const event = gatewayEvent({ route, path, ...(route.scope ? { claims, scopes: SCOPES } : {}), ...extra });
  return call(running.get(id)!, event);
}

const jsonBody = (body: unknown, contentType = 'application/json'): Partial<GatewayRequest> => ({
  headers: { 'content-type': contentType },
  body: JSON.stringify(body),
});

const newPair = (source: string, target = 'i-0abc123') => ({
  sourceResourceType: 'application',
  sourceResourceId: source,
  targetResourceType: 'instance',
  targetResourceId: target,
});

async function create(source: string, target?: string): Promise<{ id: string; version: number }> {
  const answer = await send('createConnection', `${BASE}/resource-connections`, jsonBody(newPair(source, target)));
  expect(answer.statusCode, answer.body).toBe(201);
  return answer.json() as { id: string; version: number };
}

describe('data routes', () => {
  it('creates (JSON body as text), then gets it with its ETag', async () => {
    const created = await create('app-1');
    const got = await send('getConnection', `${BASE}/resource-connections/${created.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.headers.etag).toBe('"1"');
    expect(got.json()).toMatchObject({ id: created.id, status: 'pending', sourceResourceId: 'app-1' });
  });

  it('answers a GET that arrives with isBase64Encoded true and no body', async () => {
    const created = await create('app-b64');
    const got = await send('getConnection', `${BASE}/resource-connections/${created.id}`, { base64: true });
    expect(got.statusCode).toBe(200);
  });

  it('patches with application/merge-patch+json, which API Gateway delivers base64-encoded', async () => {
    const created = await create('app-patch');
    const body = { status: 'connecting', details: { port: 8080 } };
    const event = gatewayEvent({
      route: routeById('updateConnection'),
      path: `${BASE}/resource-connections/${created.id}`,
      claims,
      scopes: SCOPES,
      ...jsonBody(body, 'application/merge-patch+json'),
    });
    expect(event.isBase64Encoded).toBe(true);
    const patched = await call(running.get('updateConnection')!, event);
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ status: 'connecting', details: { port: 8080 }, version: 2 });
  });

  it('lists with a query, and refuses a repeated parameter that API Gateway joined with a comma', async () => {
    await create('app-list');
    const page = await send('listConnections', `${BASE}/resource-connections`, {
      rawQueryString: queryString([
        ['sourceResourceType', 'application'],
        ['limit', '2'],
      ]),
    });
    expect(page.statusCode).toBe(200);
    expect((page.json() as { items: unknown[] }).items.length).toBeGreaterThan(0);
    const repeated = await send('listConnections', `${BASE}/resource-connections`, {
      rawQueryString: queryString([
        ['status', 'pending'],
        ['status', 'connected'],
      ]),
    });
    expect(repeated.statusCode).toBe(400);
    expect(repeated.headers['content-type']).toBe('application/problem+json');
    expect(repeated.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'status' }] });
  });

  it('refuses a token whose authorizer context has scopes null and no scope claim (403)', async () => {
    const answer = await send('listConnections', `${BASE}/resource-connections`, {
      claims: tokenClaims({ projects: [`${PROJECT}/${ENV}`] }),
      scopes: null,
    });
    expect(answer.statusCode).toBe(403);
    expect(answer.json()).toMatchObject({ code: 'FORBIDDEN' });
  });

  it("refuses a token whose subject is the service's own (system:deadline), before any read (403)", async () => {
    const answer = await send('createConnection', `${BASE}/resource-connections`, {
      ...jsonBody(newPair('app-as-sweep')),
      claims: tokenClaims({ subject: 'system:deadline', projects: [`${PROJECT}/${ENV}`], scopes: SCOPES }),
    });
    expect(answer.statusCode).toBe(403);
    expect(answer.json()).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('deletes, shows the history, restores, lists the resource, and cascades', async () => {
    const created = await create('app-life', 'i-life');
    const path = `${BASE}/resource-connections/${created.id}`;
    expect((await send('deleteConnection', path)).statusCode).toBe(204);
    const history = await send('getConnectionHistory', `${path}/history`);
    expect(history.statusCode).toBe(200);
    expect((history.json() as { items: unknown[] }).items).toHaveLength(2);
    const restored = await send('restoreConnection', `${path}/restore`);
    expect(restored.statusCode, restored.body).toBe(200);
    const ofResource = await send('listResourceConnections', `${BASE}/resources/instance/i-life/connections`);
    expect((ofResource.json() as { items: { id: string }[] }).items.map((c) => c.id)).toEqual([created.id]);
    const cascade = await send('deleteResourceConnections', `${BASE}/resources/instance/i-life/connections`);
    expect(cascade.statusCode, cascade.body).toBe(200);
    expect(cascade.json()).toMatchObject({ deleted: 1 });
  });

  it('answers the environment graph', async () => {
    await create('app-graph', 'i-graph');
    const answer = await send('getGraph', `${BASE}/graph`);
    expect(answer.statusCode, answer.body).toBe(200);
  });

  it('validates a create without writing it', async () => {
    const answer = await send('validateConnection', `${BASE}/resource-connections/validate`, jsonBody(newPair('v-1')));
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ valid: true });
  });
});

describe('service routes', () => {
  it.each([
    ['getHealth', '/health'],
    ['getConnectionRules', '/connection-rules'],
    ['getOpenApi', '/openapi.json'],
  ] as const)('%s answers 200 to a public request', async (id, path) => {
    const answer = await send(id, path);
    expect(answer.statusCode).toBe(200);
  });

  it('answers 404 problem+json on the catch-all route', async () => {
    const answer = await send('notFound', '/no/such/route');
    expect(answer.statusCode).toBe(404);
    expect(answer.headers['content-type']).toBe('application/problem+json');
  });
});
