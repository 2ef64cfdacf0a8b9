/**
 * What emulators and probes send that API Gateway itself would not, and values JSON can carry but
 * the contract refuses: Title-Case header names (sam local start-api), query strings on the service
 * routes, numbers that are not finite. Handlers are invoked as the Lambda runtime would, with the
 * DynamoDB document client's `send` replaced by a small in-memory fake.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as connectionRules } from '../../functions/handlers/connection-rules.ts';
import { handler as createConnection } from '../../functions/handlers/create-connection.ts';
import { handler as health } from '../../functions/handlers/health.ts';
import { handler as notFound } from '../../functions/handlers/not-found.ts';
import { handler as openApi } from '../../functions/handlers/openapi.ts';
import { handler as updateConnection } from '../../functions/handlers/update-connection.ts';
import { handler as validateConnection } from '../../functions/handlers/validate-connection.ts';
import { RESOURCE_TYPES } from '#model/vocabulary.ts';
import { connectionRules as rulesSchema } from '#model/representations.ts';
import type { GatewayEvent } from '#http/http.ts';
import { gatewayEvent, matchRoute } from '../../local/gateway.ts';
import {
  invoke,
  sampleRequest,
  withBody,
  withHeaders,
  withQuery,
  type Answer,
  type GatewayRequest,
  type LambdaHandler,
  type SampleRoute,
} from '../../testkit/events.ts';
import { apiEvent } from '../../testkit/requests.ts';
import { FIXTURE_CONNECTION } from '../../testkit/connections.ts';
import { useFakeTable } from '../support/fake-table.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const table = useFakeTable();
const writes = () => table.sent(TransactWriteCommand);

beforeEach(() => {
  table.put(FIXTURE_CONNECTION);
});

/** The event API Gateway builds for the request, with its headers as sam local start-api sends them: each name in Title-Case. */
function titleCased(request: GatewayRequest): GatewayEvent {
  const event = gatewayEvent(request);
  const headers = Object.fromEntries(
    Object.entries(event.headers).map(([name, value]) => [
      name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase()),
      value,
    ]),
  );
  return { ...event, headers } as GatewayEvent;
}

const errorsOf = (problem: unknown) => (problem as { errors: { path: string }[] }).errors.map((e) => e.path);

describe('Title-Case header names', () => {
  it('PATCH with Content-Type: application/json and If-Match answers the new version', async () => {
    const event = titleCased(withBody(sampleRequest('updateConnection'), { status: 'connecting' }));
    expect(event.headers).toMatchObject({ 'Content-Type': 'application/json', 'If-Match': '"3"' });

    const answer = await invoke(updateConnection, event);

    expect(answer.statusCode, answer.text).toBe(200);
    expect(answer.headers.etag).toBe('"4"');
    expect(answer.body).toMatchObject({ status: 'connecting', version: 4 });
  });

  it('PATCH with a stale If-Match in Title-Case answers 412 and writes nothing', async () => {
    const stale = titleCased(
      withHeaders(withBody(sampleRequest('updateConnection'), { status: 'connecting' }), { 'if-match': '"2"' }),
    );
    expect(stale.headers).toMatchObject({ 'If-Match': '"2"' });

    const answer = await invoke(updateConnection, stale);

    expect(answer.statusCode, answer.text).toBe(412);
    expect(answer.body.code).toBe('PRECONDITION_FAILED');
    expect(writes()).toHaveLength(0);
  });

  it('POST with Content-Type in Title-Case creates', async () => {
    const answer = await invoke(createConnection, titleCased(sampleRequest('createConnection')));

    expect(answer.statusCode, answer.text).toBe(201);
  });
});

describe('query strings on the service routes', () => {
  const SERVICE: readonly [SampleRoute, LambdaHandler][] = [
    ['getHealth', health],
    ['getOpenApi', openApi],
    ['getConnectionRules', connectionRules],
  ];

  it.each(SERVICE)('%s ignores its query string, repeated parameters too', async (route, handler) => {
    const answer = await invoke(handler, withQuery(sampleRequest(route), 'probe=1&probe=2&verbose'));

    expect(answer.statusCode, answer.text).toBe(200);
  });

  it('an unmatched path with a repeated parameter is 404', async () => {
    const path = '/nothing/here';
    const unmatched = { ...sampleRequest('getHealth'), route: matchRoute('GET', path)!.route, path };

    const answer = await invoke(notFound, withQuery(unmatched, 'a=1&a=2'));

    expect(answer.statusCode, answer.text).toBe(404);
    expect(answer.body.code).toBe('NOT_FOUND');
  });

  it('a data route still refuses a repeated parameter', async () => {
    const answer = await invoke(updateConnection, withQuery(sampleRequest('updateConnection'), 'a=1&a=2'));

    expect(answer.statusCode).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_FAILED');
  });
});

describe('numbers that are not finite', () => {
  // JSON.parse reads 1e400 as Infinity; stored, it would come back as null.
  const createBody =
    '{"sourceResourceType":"application","sourceResourceId":"app-42","targetResourceType":"instance",' +
    '"targetResourceId":"i-0abc123","details":{"port":8080,"n":1e400,"deep":{"list":[1,-1e400]}}}';

  it('create refuses them with 400 VALIDATION_FAILED naming each field, and writes nothing', async () => {
    const answer = await invoke(createConnection, withBody(sampleRequest('createConnection'), createBody));

    expect(answer.statusCode, answer.text).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_FAILED');
    expect(errorsOf(answer.body)).toEqual(['details.n', 'details.deep.list.1']);
    expect(writes()).toHaveLength(0);
  });

  it('patch refuses them with 400 VALIDATION_FAILED naming the field, and writes nothing', async () => {
    const event = withBody(sampleRequest('updateConnection'), '{"details":{"n":1e400}}', {
      contentType: 'application/merge-patch+json',
    });

    const answer = await invoke(updateConnection, event);

    expect(answer.statusCode, answer.text).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_FAILED');
    expect(errorsOf(answer.body)).toEqual(['details.n']);
    expect(writes()).toHaveLength(0);
  });

  it('validate answers the VALIDATION_FAILED problem a create would', async () => {
    const scope = { projectSlug: 'acme', environmentSlug: 'prod' };
    const event = apiEvent('validateConnection', scope, { body: createBody });

    const answer: Answer = await invoke(validateConnection, event);

    expect(answer.statusCode, answer.text).toBe(200);
    expect(answer.body).toMatchObject({ valid: false, problem: { status: 400, code: 'VALIDATION_FAILED' } });
    expect(errorsOf(answer.body.problem)).toEqual(['details.n', 'details.deep.list.1']);
  });
});

describe('GET /connection-rules', () => {
  it('has exactly one rule per source type, each listing every allowed target with its wording', async () => {
    const answer = await invoke(connectionRules, sampleRequest('getConnectionRules'));
    const rules = answer.body.rules as {
      sourceResourceType: string;
      targetResourceTypes: string[];
      targets: { targetResourceType: string; description: string }[];
    }[];

    const sources = rules.map((rule) => rule.sourceResourceType);
    expect(new Set(sources).size).toBe(sources.length);
    expect(rules.find((rule) => rule.sourceResourceType === 'instance')?.targetResourceTypes).toEqual([
      'firewall',
      'database',
    ]);
    for (const rule of rules) {
      expect(rule.targets.map((target) => target.targetResourceType)).toEqual(rule.targetResourceTypes);
      for (const target of rule.targets) expect(target.description.trim()).not.toBe('');
    }
    expect(sources.every((source) => (RESOURCE_TYPES as readonly string[]).includes(source))).toBe(true);
  });

  it('answers what the OpenAPI response schema describes, targets included', async () => {
    const answer = await invoke(connectionRules, sampleRequest('getConnectionRules'));

    const parsed = rulesSchema.safeParse(answer.body);
    expect(parsed.success).toBe(true);
    // The schema keeps only what it describes: nothing of the answer may be missing from it.
    expect(parsed.data).toEqual(answer.body);
    for (const rule of parsed.data!.rules) expect(rule).toHaveProperty('targets');
  });
});
