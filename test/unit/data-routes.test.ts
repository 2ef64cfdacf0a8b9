/**
 * The data routes' HTTP layers, driven with API Gateway payload 2.0 events: authentication,
 * authorization, path/query/body validation and the problem+json answers. The DynamoDB document
 * client's `send` is replaced by a small in-memory fake, so nothing leaves the process, and each
 * refusal is checked to have been decided before any database call.
 */
import fc from 'fast-check';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { handler as createConnection } from '../../functions/handlers/create-connection.ts';
import { handler as deleteConnection } from '../../functions/handlers/delete-connection.ts';
import { handler as getConnection } from '../../functions/handlers/get-connection.ts';
import { handler as listConnections } from '../../functions/handlers/list-connections.ts';
import { handler as listResourceConnections } from '../../functions/handlers/list-resource-connections.ts';
import { handler as updateConnection } from '../../functions/handlers/update-connection.ts';
import { toItem } from '#store/connection-item.ts';
import type { Connection } from '#model/representations.ts';
import { planConnectionList, planResourceConnections } from '#store/paging/list-plans.ts';
import { sealPageToken, type PagePosition } from '#store/paging/page-token.ts';
import type { GatewayEvent } from '#http/http.ts';
import { metrics } from '#http/observability.ts';
import { problem as problemSchema } from '../../functions/docs/problem-schemas.ts';
import {
  invoke,
  loadEvent,
  withBody,
  withClaimChanges,
  withClaims,
  withHeaders,
  withoutAuthorizer,
  withoutBody,
  withPathParameters,
  withQuery,
  type Answer,
  type FixtureName,
  type LambdaHandler,
} from '../../testkit/events.ts';
import { FIXTURE_CONNECTION } from '../../testkit/connections.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const ID = '01JD3Y6Q9K6V7Z5N8M2C4B1A0E';
const INTERNALS =
  /\bat [\w.<>]+ \(|\.ts:\d+|node_modules|\/var\/task|connections-test|Exception|arn:aws|Error:|gsi\dpk|"pk"/;

interface RouteCase {
  readonly fixture: FixtureName;
  readonly handler: LambdaHandler;
  readonly scope: 'connections:read' | 'connections:write';
}

const ROUTES: readonly RouteCase[] = [
  { fixture: 'get-connection', handler: getConnection, scope: 'connections:read' },
  { fixture: 'list-connections', handler: listConnections, scope: 'connections:read' },
  { fixture: 'list-resource-connections', handler: listResourceConnections, scope: 'connections:read' },
  { fixture: 'create-connection', handler: createConnection, scope: 'connections:write' },
  { fixture: 'update-connection', handler: updateConnection, scope: 'connections:write' },
  { fixture: 'delete-connection', handler: deleteConnection, scope: 'connections:write' },
];
const OTHER_SCOPE = { 'connections:read': 'connections:write', 'connections:write': 'connections:read' } as const;

const stored = FIXTURE_CONNECTION;

// The fake table: items by partition key, and every command the handlers sent.
let items: Map<string, Record<string, unknown>>;
let send: MockInstance;
const sent = (type: abstract new (...args: never[]) => unknown) =>
  send.mock.calls.filter(([command]) => command instanceof type);

const itemKey = (key: Record<string, unknown> | undefined) => `${String(key?.pk)}|${String(key?.sk)}`;

beforeEach(() => {
  items = new Map();
  send = vi.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation((async (command: unknown) => {
    if (command instanceof GetCommand) return { Item: items.get(itemKey(command.input.Key)) };
    if (command instanceof TransactWriteCommand) {
      // Conditions are not checked: these tests are not about concurrency.
      for (const write of command.input.TransactItems ?? []) {
        if (write.Put?.Item) items.set(itemKey(write.Put.Item), write.Put.Item);
        if (write.Delete?.Key) items.delete(itemKey(write.Delete.Key));
      }
      return {};
    }
    if (command instanceof QueryCommand) {
      const values = command.input.ExpressionAttributeValues ?? {};
      // A table Query is a connection's items (pk, and sk from :first to :last); an index Query, one partition.
      const found = [...items.values()].filter((item) =>
        command.input.IndexName === undefined
          ? item.pk === values[':pk'] && String(item.sk) >= values[':first'] && String(item.sk) <= values[':last']
          : item[command.input.IndexName === 'byEnvironment' ? 'gsi4pk' : 'gsi1pk'] === values[':pk'],
      );
      return { Items: found, Count: found.length, ScannedCount: found.length };
    }
    throw new Error(`unexpected command ${String(command)}`);
  }) as never);
});
afterEach(() => {
  vi.restoreAllMocks();
});

const put = (c: Connection) =>
  items.set(
    itemKey(toItem(c, { detailsVersion: undefined, shardCount: 1 })),
    toItem(c, { detailsVersion: undefined, shardCount: 1 }),
  );

function expectProblem(answer: Answer, status: number, code: string, requestId?: string): void {
  expect(answer.statusCode).toBe(status);
  expect(answer.headers['content-type']).toBe('application/problem+json');
  expect(problemSchema.safeParse(answer.body).success).toBe(true);
  expect(answer.body).toMatchObject({ type: 'about:blank', status, code });
  if (requestId !== undefined) expect(answer.body.requestId).toBe(requestId);
  expect(answer.text).not.toMatch(INTERNALS);
}

function expectRefusedBeforeTheDatabase(answer: Answer, status: number, code: string): void {
  expectProblem(answer, status, code);
  expect(send).not.toHaveBeenCalled();
}

const errorPaths = (answer: Answer) => (answer.body.errors as { path: string }[]).map((e) => e.path).sort();

describe('authentication', () => {
  it.each(ROUTES)('$fixture answers 401 without a token', async ({ fixture, handler }) => {
    const event = withoutAuthorizer(loadEvent(fixture));

    const answer = await invoke(handler, event);

    expectRefusedBeforeTheDatabase(answer, 401, 'UNAUTHENTICATED');
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    expect(answer.body.requestId).toBe(event.requestContext.requestId);
  });

  it.each(ROUTES)('$fixture answers 401 for a token without sub', async ({ fixture, handler }) => {
    const answer = await invoke(handler, withClaimChanges(loadEvent(fixture), { sub: undefined }));

    expectRefusedBeforeTheDatabase(answer, 401, 'UNAUTHENTICATED');
  });

  it('checks the token before the path', async () => {
    const event = withPathParameters(withoutAuthorizer(loadEvent('get-connection')), { connectionId: 'nope' });

    expectRefusedBeforeTheDatabase(await invoke(getConnection, event), 401, 'UNAUTHENTICATED');
  });
});

describe('authorization', () => {
  it.each(ROUTES)(
    '$fixture answers 403 to a token that has only the other scope',
    async ({ fixture, handler, scope }) => {
      const event = withClaimChanges(loadEvent(fixture), { scope: OTHER_SCOPE[scope] });

      const answer = await invoke(handler, event);

      expectRefusedBeforeTheDatabase(answer, 403, 'FORBIDDEN');
      expect(answer.body.detail).toContain(scope);
    },
  );

  it.each(
    ROUTES.flatMap((route) =>
      ['beta/prod', 'acme/dev', 'acme2/*', '[acme2/prod acme/staging]', ''].map((projects) => ({ ...route, projects })),
    ),
  )('$fixture answers 403 to a token granted only "$projects"', async ({ fixture, handler, projects }) => {
    const answer = await invoke(handler, withClaimChanges(loadEvent(fixture), { projects }));

    expectRefusedBeforeTheDatabase(answer, 403, 'FORBIDDEN');
  });

  it.each(['acme/prod', 'acme/*', '*', '[beta/dev acme/prod]'])(
    'lets a token granted "%s" read acme/prod',
    async (projects) => {
      // prepare: no such connection, so a granted request ends in 404 after its one read
      const event = withClaimChanges(loadEvent('get-connection'), { projects });

      // act
      const answer = await invoke(getConnection, event);

      // assess
      expectProblem(answer, 404, 'NOT_FOUND');
      // The connection and its details: one Query.
      expect(sent(QueryCommand)).toHaveLength(1);
      expect(sent(GetCommand)).toHaveLength(0);
    },
  );

  it('reads scopes from the scope claim when the authorizer passes scopes: null', async () => {
    const claims = { sub: 'user-7', scope: 'connections:read', projects: 'acme/prod' };

    const granted = await invoke(getConnection, withClaims(loadEvent('get-connection'), claims, null));
    const writeRefused = await invoke(deleteConnection, withClaims(loadEvent('delete-connection'), claims, null));

    expectProblem(granted, 404, 'NOT_FOUND');
    expectProblem(writeRefused, 403, 'FORBIDDEN');
  });

  it('decides 403 before looking at the body or the query', async () => {
    const create = withBody(withClaimChanges(loadEvent('create-connection'), { projects: 'beta/prod' }), '{not json', {
      contentType: 'text/plain',
    });
    const list = withQuery(
      withClaimChanges(loadEvent('list-connections'), { projects: 'beta/prod' }),
      'limit=0&bogus=1',
    );

    expectRefusedBeforeTheDatabase(await invoke(createConnection, create), 403, 'FORBIDDEN');
    expectRefusedBeforeTheDatabase(await invoke(listConnections, list), 403, 'FORBIDDEN');
  });

  it("never reads another project's connection through a granted one", async () => {
    // prepare: the connection exists, but in beta/prod
    put({ ...stored, projectSlug: 'beta' });

    // act
    const answer = await invoke(getConnection, loadEvent('get-connection'));

    // assess
    expectProblem(answer, 404, 'NOT_FOUND');
    expect(sent(QueryCommand)[0]?.[0]).toMatchObject({
      input: { ExpressionAttributeValues: { ':pk': `CONN#acme#prod#${ID}` } },
    });
  });
});

describe('path parameters', () => {
  it.each([
    ['get-connection', getConnection, { connectionId: 'not-a-ulid' }, 'connectionId'],
    ['update-connection', updateConnection, { connectionId: ID.toLowerCase() }, 'connectionId'],
    ['delete-connection', deleteConnection, { connectionId: `${ID}#x` }, 'connectionId'],
    ['list-connections', listConnections, { environmentSlug: 'Prod' }, 'environmentSlug'],
    ['list-resource-connections', listResourceConnections, { resourceType: 'vm' }, 'resourceType'],
    ['list-resource-connections', listResourceConnections, { resourceId: 'i 1' }, 'resourceId'],
    ['list-resource-connections', listResourceConnections, { resourceId: 'a/b' }, 'resourceId'],
    ['create-connection', createConnection, { projectSlug: '-acme' }, 'projectSlug'],
  ] as const)('%s answers 400 naming %j', async (fixture, handler, change, field) => {
    const answer = await invoke(handler, withPathParameters(loadEvent(fixture), change));

    expectRefusedBeforeTheDatabase(answer, 400, 'VALIDATION_FAILED');
    expect(errorPaths(answer)).toEqual([field]);
  });
});

describe('query parameters', () => {
  it.each([
    ['limit=0', ['limit']],
    ['limit=101', ['limit']],
    ['limit=1.5', ['limit']],
    ['limit=abc', ['limit']],
    ['includeDeleted=yes', ['includeDeleted']],
    ['sourceResourceId=app-42', ['sourceResourceId']],
    ['targetResourceId=i-1', ['targetResourceId']],
    ['status=active', ['status']],
    ['sourceResourceType=vm', ['sourceResourceType']],
    ['bogus=1', ['bogus']],
    ['nextToken=', ['nextToken']],
    ['limit=0&bogus=1', ['bogus', 'limit']],
  ])('list answers 400 to ?%s, naming %j', async (rawQuery, fields) => {
    const answer = await invoke(listConnections, withQuery(loadEvent('list-connections'), rawQuery));

    expectRefusedBeforeTheDatabase(answer, 400, 'VALIDATION_FAILED');
    expect(errorPaths(answer)).toEqual(fields);
  });

  it.each([
    ['list-connections', listConnections, 'status=pending&status=failed', 'status'],
    ['list-connections', listConnections, 'limit=5&sourceResourceType=instance&limit=5', 'limit'],
    ['list-resource-connections', listResourceConnections, 'includeDeleted=true&includeDeleted=true', 'includeDeleted'],
    ['get-connection', getConnection, 'includeDeleted=true&includeDeleted=false', 'includeDeleted'],
  ] as const)(
    '%s refuses the repeated parameter in ?%s, which API Gateway joins with a comma',
    async (fixture, handler, rawQuery, name) => {
      // prepare
      const event = withQuery(loadEvent(fixture), rawQuery);
      expect(event.queryStringParameters?.[name]).toContain(',');

      // act
      const answer = await invoke(handler, event);

      // assess
      expectRefusedBeforeTheDatabase(answer, 400, 'VALIDATION_FAILED');
      expect(answer.body.errors).toContainEqual({ path: name, message: 'is given more than once' });
    },
  );

  it('reads a percent-encoded query value decoded', async () => {
    const answer = await invoke(
      listConnections,
      withQuery(loadEvent('list-connections'), 'sourceResourceType=instance&sourceResourceId=a%20b'),
    );

    expectRefusedBeforeTheDatabase(answer, 400, 'VALIDATION_FAILED');
    expect(errorPaths(answer)).toEqual(['sourceResourceId']);
  });

  it('falls back to queryStringParameters when the event has no rawQueryString', async () => {
    const { rawQueryString: _, ...event } = withQuery(loadEvent('list-connections'), 'limit=0');

    const answer = await invoke(listConnections, event as GatewayEvent);

    expectRefusedBeforeTheDatabase(answer, 400, 'VALIDATION_FAILED');
    expect(errorPaths(answer)).toEqual(['limit']);
  });

  it.each([
    ['get-connection', getConnection, 'limit=5', 'limit'],
    ['delete-connection', deleteConnection, 'force=true', 'force'],
    ['update-connection', updateConnection, 'includeDeleted=true', 'includeDeleted'],
    ['create-connection', createConnection, 'dryRun=1', 'dryRun'],
    ['list-resource-connections', listResourceConnections, 'sourceResourceType=instance', 'sourceResourceType'],
  ] as const)('%s refuses the parameter it does not take (?%s)', async (fixture, handler, rawQuery, name) => {
    const answer = await invoke(handler, withQuery(loadEvent(fixture), rawQuery));

    expectRefusedBeforeTheDatabase(answer, 400, 'VALIDATION_FAILED');
    expect(answer.body.errors).toEqual([{ path: name, message: 'is not a known field' }]);
  });

  it('accepts an event without a queryStringParameters key', async () => {
    // prepare: the fixture has rawQueryString "" and no queryStringParameters, as API Gateway sends it
    const event = loadEvent('get-connection');
    expect(event).not.toHaveProperty('queryStringParameters');

    // act
    const answer = await invoke(getConnection, event);

    // assess: validation passed; the connection does not exist
    expectProblem(answer, 404, 'NOT_FOUND');
  });
});

describe('paging tokens', () => {
  const secret = process.env.PAGE_TOKEN_SECRET ?? '';
  const acmeProd = { projectSlug: 'acme', environmentSlug: 'prod' };
  /** A position at the start of a list: what a token of any plan may hold. */
  const start: PagePosition = { group: 0, after: null };
  const listQuery = { sourceResourceType: 'application', status: 'pending' } as const;

  it.each(['garbage', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '%00', 'eyJwayI6IkNPTk4jYWNtZSJ9'])(
    'list answers 400 INVALID_NEXT_TOKEN for the token %j without reading',
    async (token) => {
      const event = withQuery(
        loadEvent('list-connections'),
        `sourceResourceType=application&status=pending&nextToken=${encodeURIComponent(token)}`,
      );

      expectRefusedBeforeTheDatabase(await invoke(listConnections, event), 400, 'INVALID_NEXT_TOKEN');
    },
  );

  it('refuses a token of another project, another filter or another route', async () => {
    const tokens = [
      planConnectionList({ projectSlug: 'beta', environmentSlug: 'prod' }, listQuery, 1),
      planConnectionList({ projectSlug: 'acme', environmentSlug: 'dev' }, listQuery, 1),
      planConnectionList(acmeProd, { ...listQuery, status: 'failed' }, 1),
      planConnectionList(acmeProd, { sourceResourceType: 'application' }, 1),
      planResourceConnections(acmeProd, { type: 'application', id: 'app-42' }, { status: 'pending' }, 1),
    ].map((plan) => sealPageToken(start, plan.binding, secret));

    for (const token of tokens) {
      const event = withQuery(
        loadEvent('list-connections'),
        `sourceResourceType=application&status=pending&nextToken=${token}`,
      );

      expectRefusedBeforeTheDatabase(await invoke(listConnections, event), 400, 'INVALID_NEXT_TOKEN');
    }
  });

  it('takes a token of the same list, with another limit', async () => {
    const plan = planConnectionList(acmeProd, { ...listQuery, limit: 5 }, 1);
    const token = sealPageToken(start, plan.binding, secret);
    const event = withQuery(
      loadEvent('list-connections'),
      `sourceResourceType=application&status=pending&limit=20&nextToken=${token}`,
    );

    const answer = await invoke(listConnections, event);

    expect(answer.statusCode).toBe(200);
    // A new environment has one shard: one Query.
    expect(sent(QueryCommand)).toHaveLength(plan.streams.length);
    expect(plan.streams).toHaveLength(1);
  });
});

describe('request bodies', () => {
  it.each([
    ['text/plain', createConnection, 'create-connection'],
    ['application/x-www-form-urlencoded', createConnection, 'create-connection'],
    ['application/merge-patch+json', createConnection, 'create-connection'],
    ['application/jsonx', createConnection, 'create-connection'],
    ['text/plain', updateConnection, 'update-connection'],
    ['application/json-patch+json', updateConnection, 'update-connection'],
  ] as const)('answers 415 to a body sent as %s to %s', async (contentType, handler, fixture) => {
    const event = withBody(loadEvent(fixture), { status: 'connecting' }, { contentType });

    const answer = await invoke(handler, event);

    expectRefusedBeforeTheDatabase(answer, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(answer.body.accepted).toContain('application/json');
  });

  it('answers 415 to a body without a content type', async () => {
    const event = withBody(
      loadEvent('create-connection'),
      { sourceResourceType: 'application' },
      { contentType: null },
    );

    expectRefusedBeforeTheDatabase(await invoke(createConnection, event), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it.each([
    'application/json',
    'application/merge-patch+json',
    'application/json; charset=utf-8',
    'Application/Merge-Patch+JSON',
  ])('update takes a body sent as %s', async (contentType) => {
    // prepare: no such connection, so an accepted body ends in 404 after its one read
    const event = withBody(loadEvent('update-connection'), { status: 'connecting' }, { contentType });

    expectProblem(await invoke(updateConnection, event), 404, 'NOT_FOUND');
  });

  it('answers 413 to a body over 16 KiB, before reading it', async () => {
    const body = JSON.stringify({ sourceResourceType: 'application', details: { x: 'y'.repeat(16 * 1024) } });

    const answer = await invoke(createConnection, withBody(loadEvent('create-connection'), body));

    expectRefusedBeforeTheDatabase(answer, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 413 to a base64 body that decodes to over 16 KiB', async () => {
    const answer = await invoke(
      createConnection,
      withBody(loadEvent('create-connection'), Buffer.alloc(16 * 1024 + 1, 0x20), { base64: true }),
    );

    expectRefusedBeforeTheDatabase(answer, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('reads a body of exactly 16 KiB (and then refuses its details as too large)', async () => {
    const prefix =
      '{"sourceResourceType":"application","sourceResourceId":"a","targetResourceType":"instance","targetResourceId":"b","details":{"x":"';
    const body = prefix + 'y'.repeat(16 * 1024 - prefix.length - 3) + '"}}';
    expect(Buffer.byteLength(body)).toBe(16 * 1024);

    const answer = await invoke(createConnection, withBody(loadEvent('create-connection'), body));

    expectRefusedBeforeTheDatabase(answer, 400, 'VALIDATION_FAILED');
    expect(errorPaths(answer)).toEqual(['details']);
  });

  it.each([
    ['truncated JSON', '{"sourceResourceType":'],
    ['plain text', 'not json'],
    ['trailing text', '{} x'],
    ['single quotes', "{'a':1}"],
    ['an empty body', ''],
  ])('answers 400 INVALID_JSON to %s', async (_, body) => {
    const answer = await invoke(createConnection, withBody(loadEvent('create-connection'), body));

    expectRefusedBeforeTheDatabase(answer, 400, 'INVALID_JSON');
  });

  it('answers 400 INVALID_JSON to a body that is not UTF-8', async () => {
    const body = Buffer.concat([Buffer.from('{"sourceResourceId":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);

    expectRefusedBeforeTheDatabase(
      await invoke(createConnection, withBody(loadEvent('create-connection'), body, { base64: true })),
      400,
      'INVALID_JSON',
    );
  });

  it('asks for a body when there is none and no content type', async () => {
    const event = withHeaders(withoutBody(loadEvent('create-connection')), { 'content-type': undefined });
    expect(event).not.toHaveProperty('body');

    const answer = await invoke(createConnection, event);

    expectRefusedBeforeTheDatabase(answer, 400, 'VALIDATION_FAILED');
    expect(answer.body.errors).toEqual([{ path: '', message: 'a JSON body is required' }]);
  });

  it('answers 400 INVALID_JSON when a JSON content type comes with no body', async () => {
    expectRefusedBeforeTheDatabase(
      await invoke(updateConnection, withoutBody(loadEvent('update-connection'))),
      400,
      'INVALID_JSON',
    );
  });

  it.each([
    [
      'create-connection',
      createConnection,
      '{"sourceResourceType":"application","sourceResourceId":"a","targetResourceType":"instance","targetResourceId":"b","details":{"a":',
    ],
    ['update-connection', updateConnection, '{"details":{"a":'],
  ] as const)(
    '%s answers 400, not 500, to details nested 7000 levels deep inside 16 KiB',
    async (fixture, handler, head) => {
      const body = `${head}${'['.repeat(7000)}${']'.repeat(7000)}}}`;
      expect(Buffer.byteLength(body)).toBeLessThan(16 * 1024);

      const answer = await invoke(handler, withBody(loadEvent(fixture), body));

      expectRefusedBeforeTheDatabase(answer, 400, 'VALIDATION_FAILED');
      expect(errorPaths(answer)).toEqual(['details']);
    },
  );

  it.each([
    [
      'create-connection',
      createConnection,
      '{"sourceResourceType":"application","sourceResourceId":"a","targetResourceType":"instance","targetResourceId":"b","details":{"__proto__":{"admin":true},"port":80}}',
    ],
    ['update-connection', updateConnection, '{"details":{"__proto__":{"admin":true}}}'],
  ] as const)('%s refuses a "__proto__" key (400) rather than dropping it silently', async (fixture, handler, body) => {
    const answer = await invoke(handler, withBody(loadEvent(fixture), body));

    expectRefusedBeforeTheDatabase(answer, 400, 'VALIDATION_FAILED');
    expect(errorPaths(answer)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('decodes a base64 body (isBase64Encoded true) before reading it', async () => {
    const event = withBody(
      loadEvent('create-connection'),
      {
        sourceResourceType: 'application',
        sourceResourceId: 'app 42',
        targetResourceType: 'instance',
        targetResourceId: 'i-1',
      },
      { base64: true },
    );
    expect(event.isBase64Encoded).toBe(true);

    const answer = await invoke(createConnection, event);

    expectRefusedBeforeTheDatabase(answer, 400, 'VALIDATION_FAILED');
    expect(errorPaths(answer)).toEqual(['sourceResourceId']);
  });

  it.each([
    ['null', null],
    ['an array', [{ status: 'connecting' }]],
    ['a string', '"connecting"'],
    ['a number', '1'],
  ])('answers 400 VALIDATION_FAILED to a JSON body that is %s', async (_, body) => {
    expectRefusedBeforeTheDatabase(
      await invoke(updateConnection, withBody(loadEvent('update-connection'), body)),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('names each field that is wrong in a create body', async () => {
    const body = { sourceResourceType: 'app', sourceResourceId: 'a#1', targetResourceType: 'instance', id: 'x' };

    const answer = await invoke(createConnection, withBody(loadEvent('create-connection'), body));

    expectRefusedBeforeTheDatabase(answer, 400, 'VALIDATION_FAILED');
    expect(errorPaths(answer)).toEqual(['id', 'sourceResourceId', 'sourceResourceType', 'targetResourceId']);
  });

  it.each([{}, { version: 4 }, { sourceResourceId: 'x' }, { statusReason: 'r'.repeat(1025) }])(
    'update answers 400 to %j',
    async (body) => {
      expectRefusedBeforeTheDatabase(
        await invoke(updateConnection, withBody(loadEvent('update-connection'), body)),
        400,
        'VALIDATION_FAILED',
      );
    },
  );

  it('answers 422 with the allowed targets to a pair the rules refuse, before writing', async () => {
    const body = {
      sourceResourceType: 'database',
      sourceResourceId: 'db-1',
      targetResourceType: 'instance',
      targetResourceId: 'i-1',
    };
    const terminal = { ...body, sourceResourceType: 'terminal', targetResourceType: 'database' };

    const refused = await invoke(createConnection, withBody(loadEvent('create-connection'), body));
    const fromTerminal = await invoke(createConnection, withBody(loadEvent('create-connection'), terminal));

    expectRefusedBeforeTheDatabase(refused, 422, 'CONNECTION_NOT_ALLOWED');
    expect(refused.body.allowedTargets).toEqual([]);
    expectRefusedBeforeTheDatabase(fromTerminal, 422, 'CONNECTION_NOT_ALLOWED');
    expect(fromTerminal.body.allowedTargets).toEqual(['instance']);
  });
});

describe('malformed input never produces a 5xx', () => {
  const bodyRoutes = [
    ['create-connection', createConnection],
    ['update-connection', updateConnection],
  ] as const;

  it.each(bodyRoutes)('%s answers below 500 to any JSON body', async (fixture, handler) => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (body) => {
        const answer = await invoke(handler, withBody(loadEvent(fixture), JSON.stringify(body)));

        expect(answer.statusCode).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });

  it.each(bodyRoutes)('%s answers below 500 to any bytes, in any content type', async (fixture, handler) => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('application/json', 'application/merge-patch+json', 'text/plain', null),
        fc.boolean(),
        async (bytes, contentType, base64) => {
          const answer = await invoke(
            handler,
            withBody(loadEvent(fixture), Buffer.from(bytes), { contentType, base64 }),
          );

          expect(answer.statusCode).toBeLessThan(500);
          expect(answer.text).not.toMatch(INTERNALS);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('list answers below 500 to any query string', async () => {
    const name = fc.constantFrom(
      'limit',
      'status',
      'nextToken',
      'includeDeleted',
      'sourceResourceType',
      'sourceResourceId',
      'targetResourceType',
      'targetResourceId',
      'x',
      '__proto__',
      '',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(name, fc.string({ maxLength: 40 })), { maxLength: 5 }), async (pairs) => {
        const raw = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

        const answer = await invoke(listConnections, withQuery(loadEvent('list-connections'), raw));

        expect(answer.statusCode).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });
});

describe('answers with a database behind (in-memory fake)', () => {
  it('GET answers the connection with its ETag and no storage keys', async () => {
    put(stored);

    const answer = await invoke(getConnection, loadEvent('get-connection'));

    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers.etag).toBe('"3"');
    expect(answer.body).toEqual(stored);
  });

  it('GET answers 404 for a soft-deleted connection unless includeDeleted=true', async () => {
    put({ ...stored, deletedAt: '2026-11-28T00:00:00.000Z' });

    const hidden = await invoke(getConnection, loadEvent('get-connection'));
    const shown = await invoke(getConnection, withQuery(loadEvent('get-connection'), 'includeDeleted=true'));

    expectProblem(hidden, 404, 'NOT_FOUND');
    expect(shown.statusCode).toBe(200);
    expect(shown.body.deletedAt).toBe('2026-11-28T00:00:00.000Z');
  });

  it('POST answers 201 with Location, ETag "1" and a pending connection made by the caller', async () => {
    const answer = await invoke(createConnection, loadEvent('create-connection'));

    expect(answer.statusCode).toBe(201);
    expect(answer.body).toMatchObject({
      projectSlug: 'acme',
      environmentSlug: 'prod',
      sourceResourceType: 'application',
      sourceResourceId: 'app-42',
      targetResourceType: 'instance',
      targetResourceId: 'i-0abc123',
      status: 'pending',
      statusReason: null,
      details: { port: 8080 },
      createdBy: 'user-7',
      updatedBy: 'user-7',
      version: 1,
    });
    expect(answer.headers.location).toBe(`/api/acme/prod/resource-connections/${String(answer.body.id)}`);
    expect(answer.headers.etag).toBe('"1"');
    expect(sent(TransactWriteCommand)).toHaveLength(1);
  });

  it('counts a created connection and a refusal by code, and flushes metrics only when there are some', async () => {
    const added = vi.spyOn(metrics(), 'addMetric');
    const published = vi.spyOn(metrics(), 'publishStoredMetrics');
    const single = vi.spyOn(metrics(), 'singleMetric');

    await invoke(createConnection, loadEvent('create-connection'));
    expect(added).toHaveBeenCalledWith('ConnectionsCreated', 'Count', 1);
    expect(published).toHaveBeenCalledTimes(1);

    published.mockClear();
    await invoke(getConnection, withClaimChanges(loadEvent('get-connection'), { scope: 'connections:write' }));
    expect(single).toHaveBeenCalledTimes(1);
    expect(published).not.toHaveBeenCalled();
  });

  it.each(['', 'x'.repeat(256), 'clé', 'tab\there', 'line\nbreak'])(
    'POST refuses the Idempotency-Key %j before reading',
    async (key) => {
      const answer = await invoke(
        createConnection,
        withHeaders(loadEvent('create-connection'), { 'idempotency-key': key }),
      );

      expectRefusedBeforeTheDatabase(answer, 400, 'VALIDATION_FAILED');
      expect(errorPaths(answer)).toEqual(['Idempotency-Key']);
    },
  );

  it('POST repeated with the same Idempotency-Key and body answers the first response again and creates nothing', async () => {
    // prepare
    const event = withHeaders(loadEvent('create-connection'), { 'idempotency-key': 'provision-42' });
    const first = await invoke(createConnection, event);

    // act: the same body with its keys in another order
    const body = JSON.parse(event.body ?? '{}') as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await invoke(createConnection, withBody(event, reordered));

    // assess
    expect(first.statusCode).toBe(201);
    expect(first.headers).not.toHaveProperty('idempotent-replayed');
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.headers.location).toBe(first.headers.location);
    expect(sent(TransactWriteCommand)).toHaveLength(1);
  });

  it('POST with a used Idempotency-Key and another body answers 422 IDEMPOTENCY_KEY_REUSED and creates nothing', async () => {
    const event = withHeaders(loadEvent('create-connection'), { 'idempotency-key': 'provision-42' });
    await invoke(createConnection, event);

    const answer = await invoke(
      createConnection,
      withBody(event, { ...(JSON.parse(event.body ?? '{}') as object), targetResourceId: 'i-other' }),
    );

    expectProblem(answer, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(sent(TransactWriteCommand)).toHaveLength(1);
  });

  it("POST does not replay another caller's Idempotency-Key", async () => {
    const event = withHeaders(loadEvent('create-connection'), { 'idempotency-key': 'provision-42' });
    const mine = await invoke(createConnection, event);

    const theirs = await invoke(createConnection, withClaimChanges(event, { sub: 'user-8' }));

    expect(mine.statusCode).toBe(201);
    expect(theirs.headers).not.toHaveProperty('idempotent-replayed');
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(sent(TransactWriteCommand)).toHaveLength(2);
  });

  it('PATCH with a matching If-Match answers the new version and its ETag', async () => {
    put(stored);

    const answer = await invoke(updateConnection, loadEvent('update-connection'));

    expect(answer.statusCode).toBe(200);
    expect(answer.headers.etag).toBe('"4"');
    expect(answer.body).toMatchObject({ status: 'connecting', version: 4, details: {} });
  });

  it('PATCH with a stale If-Match answers 412 and writes nothing', async () => {
    put(stored);

    const answer = await invoke(updateConnection, withHeaders(loadEvent('update-connection'), { 'if-match': '"2"' }));

    expectProblem(answer, 412, 'PRECONDITION_FAILED');
    expect(sent(TransactWriteCommand)).toHaveLength(0);
  });

  it('PATCH answers 409 with from, to and allowed for a move the table refuses, and writes nothing', async () => {
    put(stored);

    const answer = await invoke(
      updateConnection,
      withBody(
        loadEvent('update-connection'),
        { status: 'connected' },
        { contentType: 'application/merge-patch+json' },
      ),
    );

    expectProblem(answer, 409, 'INVALID_STATUS_TRANSITION');
    expect(answer.body).toMatchObject({ from: 'pending', to: 'connected' });
    expect([...(answer.body.allowed as string[])].sort()).toEqual(['connecting', 'disconnected', 'failed']);
    expect(sent(TransactWriteCommand)).toHaveLength(0);
  });

  it('DELETE answers 204 without a body', async () => {
    put(stored);

    const answer = await invoke(deleteConnection, loadEvent('delete-connection'));

    expect(answer.statusCode).toBe(204);
    expect(answer.text).toBe('');
  });

  it('list answers a page without storage keys and with a null nextToken at the end', async () => {
    put(stored);

    const answer = await invoke(listConnections, withQuery(loadEvent('list-connections'), ''));

    expect(answer.statusCode).toBe(200);
    expect(answer.body).toEqual({ items: [stored], nextToken: null });
  });

  it('answers 503 with Retry-After when the database is throttling, revealing nothing', async () => {
    send.mockRejectedValue(
      Object.assign(new Error('Rate of requests exceeds the allowed throughput for table connections-test'), {
        name: 'ProvisionedThroughputExceededException',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const answer = await invoke(getConnection, loadEvent('get-connection'));

    expectProblem(answer, 503, 'SERVICE_UNAVAILABLE', loadEvent('get-connection').requestContext.requestId);
    expect(answer.headers['retry-after']).toMatch(/^\d+$/);
  });

  it('answers 500 revealing nothing when the database call fails unexpectedly', async () => {
    send.mockRejectedValue(
      Object.assign(new Error('Requested resource not found: Table: connections-test not found'), {
        name: 'ResourceNotFoundException',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const answer = await invoke(getConnection, loadEvent('get-connection'));

    expectProblem(answer, 500, 'INTERNAL');
  });
});
