/**
 * A write DynamoDB throttles, in any of its forms (a transaction cancelled for ThrottlingError, a
 * ThrottlingException, a ProvisionedThroughputExceededException), is the database's failure: it
 * is tried at most 3 times in all (the SDK's own retries counted), with at most 2 reads, then
 * answered 503 SERVICE_UNAVAILABLE with a jittered Retry-After, never 500, changing nothing. The
 * handlers run against a stand-in endpoint that answers TransactWriteItems with those errors; the
 * cascade, throttled (or failed with 500s) by a partition that takes only a few transactions at
 * once, slows down and finishes instead of failing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type RouteId } from '../../functions/routes.ts';
import { THROTTLED_WRITE } from '#store/transactions.ts';
import { invoke, type Answer, type LambdaHandler } from '../../testkit/events.ts';
import { apiEvent } from '../../testkit/requests.ts';
import { freshScope, newRepository } from '../support/integration.ts';
import { startThrottlingEndpoint, type ThrottleForm, type ThrottlingEndpoint } from '../support/throttling-endpoint.ts';

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

function request(routeId: RouteId, path: Record<string, string>, body?: unknown): Promise<Answer> {
  return invoke(handlers.get(routeId)!, apiEvent(routeId, scope, { path, body }));
}

async function throttled(form: ThrottleForm, send: () => Promise<Answer>): Promise<Answer> {
  endpoint.throttling = true;
  endpoint.form = form;
  endpoint.reset();
  try {
    return await send();
  } finally {
    endpoint.throttling = false;
  }
}

const reads = () => (endpoint.calls.GetItem ?? 0) + (endpoint.calls.Query ?? 0) + (endpoint.calls.BatchGetItem ?? 0);

function expectGaveUpFast(answer: Answer): void {
  expect(answer.statusCode).toBe(503);
  expect(answer.body.code).toBe('SERVICE_UNAVAILABLE');
  expect(answer.headers['retry-after']).toMatch(/^[123]$/);
  expect(answer.text).not.toMatch(/Throttling|Transaction|capacity/i);
  expect(endpoint.calls.TransactWriteItems).toBe(THROTTLED_WRITE.attempts);
  expect(endpoint.throttled).toBe(THROTTLED_WRITE.attempts);
  expect(reads()).toBeLessThanOrEqual(THROTTLED_WRITE.reads);
}

const FORMS: ThrottleForm[] = ['ThrottlingError', 'ThrottlingException', 'ProvisionedThroughputExceededException'];

describe.each(FORMS)('a write throttled as %s', (form) => {
  it('create: tried 3 times in all, then 503 with Retry-After; nothing is created', async () => {
    const answer = await throttled(form, () => request('createConnection', {}, pair(`app-create-${form}`)));

    expectGaveUpFast(answer);
    const query = { sourceResourceType: 'application', sourceResourceId: `app-create-${form}` } as const;
    expect((await repo.list({ scope, query })).items).toEqual([]);
  });

  it('patch, delete and restore: each tried 3 times with one read, then 503; the connection keeps its version', async () => {
    const { connection } = await repo.create({ scope, input: pair(`app-change-${form}`), actor: 'seed' });
    const id = { connectionId: connection.id };

    expectGaveUpFast(await throttled(form, () => request('updateConnection', id, { status: 'connecting' })));
    expectGaveUpFast(await throttled(form, () => request('deleteConnection', id)));
    expect(await repo.get({ scope, id: connection.id })).toEqual(connection);

    await repo.delete({ scope, id: connection.id, actor: 'seed' });
    expectGaveUpFast(await throttled(form, () => request('restoreConnection', id)));
    expect((await repo.get({ scope, id: connection.id, includeDeleted: true })).version).toBe(2);
  });
});

it('tells throttled callers to come back at different times', async () => {
  const { connection } = await repo.create({ scope, input: pair('app-jitter'), actor: 'seed' });
  const waits = new Set<string>();
  for (let i = 0; i < 8; i++) {
    const answer = await throttled('ThrottlingError', () =>
      request('updateConnection', { connectionId: connection.id }, { statusReason: `r${i}` }),
    );
    waits.add(answer.headers['retry-after']!);
  }

  expect(waits.size).toBeGreaterThan(1);
});

describe('the cascade', () => {
  it('throttled whatever it does: 503 with Retry-After, and every connection stays live', async () => {
    const resource = { resourceType: 'instance', resourceId: 'i-cascade' };
    for (const app of ['app-a', 'app-b', 'app-c'])
      await repo.create({ scope, input: pair(app, 'i-cascade'), actor: 'seed' });

    const answer = await throttled('ThrottlingError', () => request('deleteResourceConnections', resource));

    expect(answer.statusCode).toBe(503);
    expect(answer.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
    const { items } = await repo.listForResource({ scope, resource: { type: 'instance', id: 'i-cascade' }, query: {} });
    expect(items).toHaveLength(3);
  });

  it.each([
    ['throttled', 'ThrottlingError'],
    ['failing with 500s', 'InternalServerError'],
  ] as const)(
    '%s past a few transactions at once: sends fewer at once and deletes every connection',
    async (_, form) => {
      const serverId = `i-hot-partition-${form}`;
      for (let i = 0; i < 60; i++) await repo.create({ scope, input: pair(`app-h${i}`, serverId), actor: 'seed' });
      endpoint.reset();
      endpoint.form = form;
      endpoint.maxInFlight = 4;
      try {
        const answers: Answer[] = [];
        do {
          answers.push(await request('deleteResourceConnections', { resourceType: 'instance', resourceId: serverId }));
        } while (answers.at(-1)!.statusCode === 202 && answers.length < 10);

        expect(answers.map((a) => a.statusCode)).not.toContain(503);
        expect(answers.at(-1)!.body).toMatchObject({ complete: true });
        expect(answers.reduce((sum, a) => sum + Number(a.body.deleted), 0)).toBe(60);
        expect(endpoint.throttled).toBeGreaterThan(0);
      } finally {
        endpoint.maxInFlight = Infinity;
      }
      const { items } = await repo.listForResource({ scope, resource: { type: 'instance', id: serverId }, query: {} });
      expect(items).toEqual([]);
    },
  );
});
