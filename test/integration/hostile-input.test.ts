/**
 * Hostile input at every route, against DynamoDB Local: whatever the body, query, path, headers
 * or event shape, the answer is a success or a 4xx problem+json, never a 5xx or a stack trace, and
 * a refused request changes no stored item.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes.ts';
import { type Route } from '../../functions/route-table/shape.ts';
import { STATUSES } from '#model/vocabulary.ts';
import type { GatewayEvent } from '#http/http.ts';
import { gatewayEvent } from '../../local/gateway.ts';
import {
  invoke,
  pathOf,
  sampleRequest,
  withClaims,
  withHeaders,
  withoutAuthorizer,
  type LambdaHandler,
} from '../../testkit/events.ts';
import { client, freshScope, newRepository, tableName } from '../support/integration.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);
const repo = newRepository();
const scope = freshScope();
let connectionId = '';
const handlers = new Map<string, LambdaHandler>();

beforeAll(async () => {
  ({
    connection: { id: connectionId },
  } = await repo.create({
    scope,
    input: {
      sourceResourceType: 'application',
      sourceResourceId: 'app-1',
      targetResourceType: 'instance',
      targetResourceId: 'i-1',
    },
    actor: 'seed',
  }));
  for (const route of ROUTES) {
    handlers.set(
      route.id,
      ((await import(`../../functions/handlers/${route.handler}.ts`)) as { handler: LambdaHandler }).handler,
    );
  }
});

/**
 * Every item of this file's own table (test/support/own-table.ts), in key order: a refusal must leave
 * all of it as it was, whatever scope the request named. One Scan of a small table is far cheaper
 * than reading the scope back through the sharded indexes twice a run.
 */
async function snapshot(): Promise<string> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  const key = (item: Record<string, unknown>) => `${String(item.pk)}\u0000${String(item.sk)}`;
  return JSON.stringify(items.sort((a, b) => key(a).localeCompare(key(b))));
}

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '%',
    '%zz',
    '#',
    '/',
    '..',
    'a#b',
    '__proto__',
    'constructor',
    '0',
    '-1',
    '1e999',
    'null',
    'true',
  ),
);
const parameterValue = fc.oneof(
  text,
  fc.constantFrom(
    ...STATUSES,
    'instance',
    'application',
    'i-1',
    '50',
    '100',
    '1000',
    'true',
    'false',
    '3',
    'in',
    'both',
  ),
);
const queryString = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(
          'limit',
          'nextToken',
          'status',
          'includeDeleted',
          'sourceResourceType',
          'sourceResourceId',
          'targetResourceType',
          'targetResourceId',
          'resourceType',
          'resourceId',
          'depth',
          'direction',
        ),
        text,
      ),
      parameterValue,
    ),
    { maxLength: 5 },
  )
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record(
    {
      sourceResourceType: parameterValue,
      sourceResourceId: parameterValue,
      targetResourceType: parameterValue,
      targetResourceId: parameterValue,
      status: parameterValue,
      statusReason: fc.oneof(text, fc.constant(null)),
      details: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }))),
    },
    { requiredKeys: [] },
  ),
);
const body = fc.oneof(
  jsonBody.map((value) => ({ body: JSON.stringify(value) as string | undefined, base64: false })),
  fc
    .uint8Array({ maxLength: 64 })
    .map((bytes) => ({ body: Buffer.from(bytes).toString('base64') as string | undefined, base64: true })),
  fc.constant({ body: undefined as string | undefined, base64: true }),
  fc.constant({ body: '' as string | undefined, base64: false }),
);
const hostileRequest = fc.record({
  path: fc.record({
    // Mostly the real scope and connection, so that most requests get past the checks to the database.
    projectSlug: fc.oneof({ arbitrary: fc.constant(scope.projectSlug), weight: 4 }, { arbitrary: text, weight: 1 }),
    environmentSlug: fc.oneof(
      { arbitrary: fc.constant(scope.environmentSlug), weight: 4 },
      { arbitrary: text, weight: 1 },
    ),
    connectionId: fc.oneof(
      { arbitrary: fc.constant('KNOWN'), weight: 4 },
      text,
      fc.constant('01ARZ3NDEKTSV4RRFFQ69G5FAV'),
    ),
    resourceType: parameterValue,
    resourceId: fc.oneof(fc.constantFrom('i-1', 'app-1'), text),
  }),
  rawQueryString: fc.option(queryString, { nil: undefined }),
  body,
  contentType: fc.option(
    fc.constantFrom(
      'application/json',
      'application/merge-patch+json',
      'text/plain',
      'application/json; charset=latin1',
      '',
    ),
    { nil: undefined },
  ),
  ifMatch: fc.option(fc.oneof(text, fc.constantFrom('"1"', '"2"', '*', 'W/"1"')), { nil: undefined }),
  idempotencyKey: fc.option(text, { nil: undefined }),
  claims: fc.oneof(
    {
      arbitrary: fc.constant<Record<string, string> | null>({
        sub: 'fuzzer',
        scope: 'connections:read connections:write',
        projects: '*',
      }),
      weight: 6,
    },
    fc.constant<Record<string, string> | null>(null),
    fc.dictionary(fc.constantFrom('sub', 'scope', 'projects', 'scp'), text) as fc.Arbitrary<Record<
      string,
      string
    > | null>,
  ),
  scopesNull: fc.boolean(),
});

function eventFor(
  route: Route,
  request: typeof hostileRequest extends fc.Arbitrary<infer T> ? T : never,
): GatewayEvent {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const parameters = Object.fromEntries(
    names.map((name) => [
      name,
      name === 'connectionId' && request.path.connectionId === 'KNOWN'
        ? connectionId
        : (request.path as Record<string, string>)[name]!,
    ]),
  );
  const { body, base64 } = request.body;
  const sent = withHeaders(
    {
      ...sampleRequest('getConnection'),
      route,
      path: pathOf(route, parameters),
      rawQueryString: request.rawQueryString ?? '',
      ...(body === undefined ? {} : { body: Buffer.from(body, base64 ? 'base64' : 'utf8') }),
      base64,
    },
    { 'content-type': request.contentType, 'if-match': request.ifMatch, 'idempotency-key': request.idempotencyKey },
  );
  const scopes = request.scopesNull ? null : ['connections:read', 'connections:write'];
  return gatewayEvent(
    request.claims === null ? withoutAuthorizer(sent) : withClaims(sent, request.claims, scopes),
  ) as GatewayEvent;
}

describe('hostile input', () => {
  it.each(ROUTES.map((route) => [route.id, route] as const))(
    '%s never answers 5xx, and a refusal changes nothing',
    async (_, route) => {
      await fc.assert(
        fc.asyncProperty(hostileRequest, async (request) => {
          const before = await snapshot();

          const answer = await invoke(handlers.get(route.id)!, eventFor(route, request));

          expect(answer.statusCode, answer.text).toBeLessThan(500);
          expect(answer.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
          if (answer.statusCode >= 400) {
            expect(answer.headers['content-type']).toBe('application/problem+json');
            expect(answer.body.code).toEqual(expect.any(String));
            expect(await snapshot()).toBe(before);
          }
        }),
        { numRuns: RUNS },
      );
    },
  );
});
