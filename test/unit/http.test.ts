import { afterEach, describe, expect, it, vi } from 'vitest';
import { handler as connectionRules } from '../../functions/handlers/connection-rules.ts';
import { handler as health } from '../../functions/handlers/health.ts';
import { handler as openApi } from '../../functions/handlers/openapi.ts';
import {
  ConnectionNotAllowedError,
  DuplicateConnectionError,
  InvalidStatusTransitionError,
  PreconditionFailedError,
  ServiceUnavailableError,
} from '#model/errors.ts';
import { UnauthenticatedError } from '#http/errors.ts';
import { endpoint, json } from '#http/http.ts';
import { logger } from '#http/observability.ts';
import { problem as problemSchema } from '../../functions/docs/problem-schemas.ts';
import { invoke, sampleRequest, withBody, withClaims, withQuery, type Answer } from '../../testkit/events.ts';
import { gatewayEvent, lambdaContext } from '../../local/gateway.ts';
import * as routes from '../../functions/routes.ts';

/** What a body must never show: stacks, source paths, the table, AWS error text. */
const INTERNALS = /\bat [\w.<>]+ \(|\.ts:\d+|node_modules|\/var\/task|connections-test|Exception|arn:aws|Error:/;

function expectProblem(answer: Answer, status: number, code: string): void {
  expect(answer.statusCode).toBe(status);
  expect(answer.headers['content-type']).toBe('application/problem+json');
  expect(answer.headers['cache-control']).toBe('no-store');
  expect(problemSchema.safeParse(answer.body).success).toBe(true);
  expect(answer.body).toMatchObject({ type: 'about:blank', status, code });
  expect(answer.text).not.toMatch(INTERNALS);
}

/** A route handler whose work throws `error`, with every shared middleware in front of it. */
const failingWith = (error: unknown) =>
  endpoint(routes.getHealth, async () => {
    throw error;
  });

// Keep the test output readable: no log lines, no metric documents.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('GET /health', () => {
  it('answers 200 {"status":"ok"} without a token', async () => {
    const answer = await invoke(health, sampleRequest('getHealth'));

    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.body).toEqual({ status: 'ok' });
  });

  it('answers the same when a token comes along', async () => {
    const event = withClaims(sampleRequest('getHealth'), { sub: 'user-7', scope: 'connections:read' }, [
      'connections:read',
    ]);

    expect((await invoke(health, event)).body).toEqual({ status: 'ok' });
  });

  it('ignores its query string: probes add cache-busters (docs/api.md, Routes)', async () => {
    const answer = await invoke(health, withQuery(sampleRequest('getHealth'), 'verbose=1'));

    expect(answer.statusCode).toBe(200);
    expect(answer.body).toEqual({ status: 'ok' });
  });

  it('ignores a body, as a GET has none to read', async () => {
    const answer = await invoke(
      health,
      withBody(sampleRequest('getHealth'), 'not json', { contentType: 'text/plain' }),
    );

    expect(answer.statusCode).toBe(200);
  });
});

describe('GET /connection-rules', () => {
  it('publishes the contract pair rules and status transitions without a token', async () => {
    const answer = await invoke(connectionRules, sampleRequest('getConnectionRules'));
    const body = answer.body as {
      resourceTypes: string[];
      rules: { sourceResourceType: string; targetResourceTypes: string[]; description: string }[];
      statusTransitions: Record<string, string[]>;
    };

    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(body.resourceTypes).toHaveLength(8);
    const pairs = body.rules.flatMap((rule) =>
      rule.targetResourceTypes.map((target) => `${rule.sourceResourceType}->${target}`),
    );
    expect(pairs.sort()).toEqual(
      [
        'application->instance',
        'terminal->instance',
        'bucket_explorer->storage_bucket',
        'bucket_explorer->static_website',
        'instance->firewall',
        'instance->database',
      ].sort(),
    );
    for (const rule of body.rules) expect(rule.description).not.toBe('');
    expect(body.statusTransitions).toEqual({
      pending: expect.arrayContaining(['connecting', 'failed', 'disconnected']),
      connecting: expect.arrayContaining(['connected', 'failed', 'disconnected']),
      connected: expect.arrayContaining(['disconnected', 'failed']),
      failed: expect.arrayContaining(['pending', 'connecting', 'disconnected']),
      disconnected: expect.arrayContaining(['pending', 'connecting']),
    });
    expect(Object.values(body.statusTransitions).flat()).toHaveLength(13);
  });

  it('lets caches keep the rules', async () => {
    const answer = await invoke(connectionRules, sampleRequest('getConnectionRules'));

    expect(answer.headers['cache-control']).toMatch(/max-age=\d+/);
  });
});

describe('GET /openapi.json', () => {
  it('answers the OpenAPI 3.1 document without a token', async () => {
    const answer = await invoke(openApi, sampleRequest('getOpenApi'));

    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.body.openapi).toBe('3.1.0');
    expect(Object.keys(answer.body.paths as object)).toContain(
      '/api/{projectSlug}/{environmentSlug}/resource-connections',
    );
  });
});

describe('problem+json answers', () => {
  it('carry the problem fields, the requestId of the event and the error extensions', async () => {
    const event = gatewayEvent(sampleRequest('getHealth'));

    const answer = await invoke(failingWith(new DuplicateConnectionError('01JD3Y6Q9K6V7Z5N8M2C4B1A0E')), event);

    expectProblem(answer, 409, 'DUPLICATE_CONNECTION');
    expect(answer.body).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      code: 'DUPLICATE_CONNECTION',
      detail: expect.any(String),
      requestId: event.requestContext.requestId,
      existingConnectionId: '01JD3Y6Q9K6V7Z5N8M2C4B1A0E',
    });
  });

  it.each([
    [
      'INVALID_STATUS_TRANSITION',
      new InvalidStatusTransitionError('pending', 'connected', ['connecting', 'failed', 'disconnected']),
      409,
      { from: 'pending', to: 'connected', allowed: ['connecting', 'failed', 'disconnected'] },
    ],
    ['CONNECTION_NOT_ALLOWED', new ConnectionNotAllowedError('database', 'instance', []), 422, { allowedTargets: [] }],
    ['PRECONDITION_FAILED', new PreconditionFailedError(4), 412, {}],
  ])('answers %s with its status, code and members', async (code, error, status, members) => {
    const answer = await invoke(failingWith(error), sampleRequest('getHealth'));

    expectProblem(answer, status, code);
    expect(answer.body).toMatchObject(members);
  });

  it('sends WWW-Authenticate with a 401', async () => {
    const answer = await invoke(failingWith(new UnauthenticatedError()), sampleRequest('getHealth'));

    expectProblem(answer, 401, 'UNAUTHENTICATED');
    expect(answer.headers['www-authenticate']).toBe('Bearer');
  });

  it('sends Retry-After with a 503', async () => {
    const answer = await invoke(failingWith(new ServiceUnavailableError(2)), sampleRequest('getHealth'));

    expectProblem(answer, 503, 'SERVICE_UNAVAILABLE');
    expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('turns an unexpected error into a 500 that reveals nothing, and logs it', async () => {
    // prepare
    const bug = new TypeError("Cannot read properties of undefined (reading 'pk') in table connections-test");
    const logged = vi.spyOn(logger, 'error');
    const event = gatewayEvent(sampleRequest('getHealth'));

    // act
    const answer = await invoke(failingWith(bug), event);

    // assess
    expectProblem(answer, 500, 'INTERNAL');
    expect(answer.text).not.toContain('pk');
    expect(answer.text).not.toContain('TypeError');
    expect(answer.body.requestId).toBe(event.requestContext.requestId);
    expect(logged).toHaveBeenCalledWith('unhandled error', bug);
  });

  it('turns a thrown non-Error into a 500 too', async () => {
    expectProblem(
      await invoke(
        failingWith('arn:aws:dynamodb:eu-west-1:123456789012:table/connections-test'),
        sampleRequest('getHealth'),
      ),
      500,
      'INTERNAL',
    );
    expectProblem(await invoke(failingWith(undefined), sampleRequest('getHealth')), 500, 'INTERNAL');
  });

  it('does not reveal an AWS client error that is not about availability', async () => {
    const awsError = Object.assign(
      new Error('One or more parameter values were invalid: table connections-test, key gsi1pk'),
      {
        name: 'ValidationException',
        $metadata: { httpStatusCode: 400 },
      },
    );

    const answer = await invoke(failingWith(awsError), sampleRequest('getHealth'));

    expectProblem(answer, 500, 'INTERNAL');
    expect(answer.text).not.toContain('gsi1pk');
  });

  it.each([
    [
      'throttling',
      Object.assign(new Error('Rate exceeded for table connections-test'), { name: 'ThrottlingException' }),
    ],
    ['provisioned throughput', Object.assign(new Error('x'), { name: 'ProvisionedThroughputExceededException' })],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' })],
    [
      'an AWS 5xx',
      Object.assign(new Error('We encountered an internal error'), {
        name: 'InternalServerError',
        $metadata: { httpStatusCode: 500 },
      }),
    ],
    [
      'any 503 from AWS',
      Object.assign(new Error('unavailable'), { name: 'SomethingElse', $metadata: { httpStatusCode: 503 } }),
    ],
  ])('answers 503 with Retry-After when the database fails by %s, revealing nothing', async (_, error) => {
    const answer = await invoke(failingWith(error), sampleRequest('getHealth'));

    expectProblem(answer, 503, 'SERVICE_UNAVAILABLE');
    expect(answer.headers['retry-after']).toMatch(/^\d+$/);
    expect(answer.text).not.toContain('127.0.0.1');
  });

  it('answers 503 with Retry-After when the work outlives the function, and logs that as an error', async () => {
    const logged = vi.spyOn(logger, 'error');
    const warned = vi.spyOn(logger, 'warn');
    const endless = endpoint(routes.getHealth, () => new Promise(() => undefined));

    const result = await endless(
      gatewayEvent(sampleRequest('getHealth')),
      lambdaContext('getHealth', undefined, 100) as never,
    );

    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body!)).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(result.headers?.['retry-after']).toMatch(/^\d+$/);
    expect(logged).toHaveBeenCalledWith('the function ran out of time before it answered', expect.any(Error));
    expect(warned).not.toHaveBeenCalled();
  });

  it('keeps the headers of a successful answer', async () => {
    const ok = endpoint(routes.getHealth, async () => json(201, { a: 1 }, { etag: '"1"', location: '/x' }));

    const answer = await invoke(ok, sampleRequest('getHealth'));

    expect(answer).toMatchObject({ statusCode: 201, body: { a: 1 } });
    expect(answer.headers).toMatchObject({
      etag: '"1"',
      location: '/x',
      'content-type': 'application/json',
      'cache-control': 'no-store',
    });
  });
});
