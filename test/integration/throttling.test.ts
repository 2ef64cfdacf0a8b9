/**
 * A transaction DynamoDB cancels for throttling (a GSI's back-pressure) is the database's failure:
 * each write retries it with back-off, as it does a transaction conflict, then answers 503
 * SERVICE_UNAVAILABLE with Retry-After, never 500, and changes nothing. The handlers run against a
 * stand-in endpoint that answers every TransactWriteItems with exactly that cancellation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayEvent } from '#http/http.ts';
import { ROUTES, type Route } from '../../functions/routes.ts';
import { CONCURRENCY_RETRIES } from '#store/transactions.ts';
import {
  invoke,
  loadEvent,
  withBody,
  withClaimChanges,
  type Answer,
  type LambdaHandler,
} from '../../testkit/events.ts';
import { freshScope, newRepository } from '../support/integration.ts';
import { startThrottlingEndpoint, type ThrottlingEndpoint } from '../support/throttling-endpoint.ts';

const repo = newRepository();
const scope = freshScope();
const handlers = new Map<string, LambdaHandler>();
let endpoint: ThrottlingEndpoint;

beforeAll(async () => {
  endpoint = await startThrottlingEndpoint(process.env.DYNAMODB_ENDPOINT!);
  // The handlers build their one client when first imported: point it at the stand-in first.
  process.env.DYNAMODB_ENDPOINT = endpoint.url;
  for (const route of ROUTES) {
    const module = (await import(`../../functions/handlers/${route.handler}.ts`)) as { handler: LambdaHandler };
    handlers.set(route.id, module.handler);
  }
});

afterAll(() => endpoint.close());

const pair = (app: string, server = 'i-throttled') => ({
  sourceResourceType: 'application' as const,
  sourceResourceId: app,
  targetResourceType: 'instance' as const,
  targetResourceId: server,
});

function request(routeId: string, path: Record<string, string>, body?: unknown): Promise<Answer> {
  const route = ROUTES.find((r) => r.id === routeId) as Route;
  const parameters = { ...scope, ...path };
  const rawPath = route.path.replace(/\{(\w+)\}/g, (_, name: string) => parameters[name as keyof typeof parameters]!);
  const base = loadEvent('get-connection');
  let event = {
    ...base,
    routeKey: `${route.method} ${route.path}`,
    rawPath,
    pathParameters: parameters,
    requestContext: {
      ...base.requestContext,
      routeKey: `${route.method} ${route.path}`,
      http: { ...base.requestContext.http, method: route.method, path: rawPath },
    },
  } as GatewayEvent;
  event = withClaimChanges(event, { projects: `[${scope.projectSlug}/${scope.environmentSlug}]` });
  if (body !== undefined) event = withBody(event, body);
  return invoke(handlers.get(routeId)!, event);
}

async function throttled(send: () => Promise<Answer>): Promise<Answer> {
  endpoint.throttling = true;
  endpoint.throttled = 0;
  try {
    return await send();
  } finally {
    endpoint.throttling = false;
  }
}

function expectRetriedThen503(answer: Answer, transactions = CONCURRENCY_RETRIES): void {
  expect(answer.statusCode).toBe(503);
  expect(answer.body.code).toBe('SERVICE_UNAVAILABLE');
  expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
  expect(answer.text).not.toMatch(/Throttling|Transaction|capacity/i);
  expect(endpoint.throttled).toBe(transactions);
}

describe('a transaction cancelled for throttling', () => {
  it('create: retried with back-off, then 503 with Retry-After; nothing is created', async () => {
    const answer = await throttled(() => request('createConnection', {}, pair('app-create')));

    expectRetriedThen503(answer);
    expect(
      (await repo.list({ scope, query: { sourceResourceType: 'application', sourceResourceId: 'app-create' } })).items,
    ).toEqual([]);
  });

  it('patch, delete and restore: each retried, then 503; the connection keeps its version', async () => {
    const { connection } = await repo.create({ scope, input: pair('app-change'), actor: 'seed' });
    const id = { connectionId: connection.id };

    expectRetriedThen503(await throttled(() => request('updateConnection', id, { status: 'connecting' })));
    expectRetriedThen503(await throttled(() => request('deleteConnection', id)));
    expect(await repo.get({ scope, id: connection.id })).toEqual(connection);

    await repo.delete({ scope, id: connection.id, actor: 'seed' });
    expectRetriedThen503(await throttled(() => request('restoreConnection', id)));
    expect((await repo.get({ scope, id: connection.id, includeDeleted: true })).version).toBe(2);
  });

  it('the cascade: 503 with Retry-After, and every connection stays live', async () => {
    const resource = { resourceType: 'instance', resourceId: 'i-cascade' };
    for (const app of ['app-a', 'app-b', 'app-c'])
      await repo.create({ scope, input: pair(app, 'i-cascade'), actor: 'seed' });

    const answer = await throttled(() => request('deleteResourceConnections', resource));

    expect(answer.statusCode).toBe(503);
    expect(answer.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
    expect(endpoint.throttled).toBeGreaterThanOrEqual(CONCURRENCY_RETRIES);
    const { items } = await repo.listForResource({ scope, resource: { type: 'instance', id: 'i-cascade' }, query: {} });
    expect(items).toHaveLength(3);
  });
});
