/**
 * The create and update bodies: the media types each takes (415 otherwise), the 16 KiB limit (413),
 * JSON that does not parse (400 INVALID_JSON), and bodies that parse but are wrong (400 naming each
 * field, 422 for a pair the rules refuse), all before any database call; base64 bodies are decoded.
 */
import { describe, expect, it, vi } from 'vitest';
import { gatewayEvent } from '../../../local/gateway.ts';
import { invoke, sampleRequest, withBody, withHeaders, withoutBody } from '../../../testkit/events.ts';
import {
  createConnection,
  errorPaths,
  expectProblem,
  expectRefusedBeforeTheDatabase,
  updateConnection,
} from '../../support/data-routes.ts';
import { useFakeTable } from '../../support/fake-table.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const table = useFakeTable();

describe('request bodies', () => {
  it.each([
    ['text/plain', createConnection, 'createConnection'],
    ['application/x-www-form-urlencoded', createConnection, 'createConnection'],
    ['application/merge-patch+json', createConnection, 'createConnection'],
    ['application/jsonx', createConnection, 'createConnection'],
    ['text/plain', updateConnection, 'updateConnection'],
    ['application/json-patch+json', updateConnection, 'updateConnection'],
  ] as const)('answers 415 to a body sent as %s to %s', async (contentType, handler, route) => {
    const event = withBody(sampleRequest(route), { status: 'connecting' }, { contentType });

    const answer = await invoke(handler, event);

    expectRefusedBeforeTheDatabase(table, answer, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(answer.body.accepted).toContain('application/json');
  });

  it('answers 415 to a body without a content type', async () => {
    const event = withBody(
      sampleRequest('createConnection'),
      { sourceResourceType: 'application' },
      { contentType: null },
    );

    expectRefusedBeforeTheDatabase(table, await invoke(createConnection, event), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it.each([
    'application/json',
    'application/merge-patch+json',
    'application/json; charset=utf-8',
    'Application/Merge-Patch+JSON',
  ])('update takes a body sent as %s', async (contentType) => {
    // prepare: no such connection, so an accepted body ends in 404 after its one read
    const event = withBody(sampleRequest('updateConnection'), { status: 'connecting' }, { contentType });

    expectProblem(await invoke(updateConnection, event), 404, 'NOT_FOUND');
  });

  it('answers 413 to a body over 16 KiB, before reading it', async () => {
    const body = JSON.stringify({ sourceResourceType: 'application', details: { x: 'y'.repeat(16 * 1024) } });

    const answer = await invoke(createConnection, withBody(sampleRequest('createConnection'), body));

    expectRefusedBeforeTheDatabase(table, answer, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 413 to a base64 body that decodes to over 16 KiB', async () => {
    const answer = await invoke(
      createConnection,
      withBody(sampleRequest('createConnection'), Buffer.alloc(16 * 1024 + 1, 0x20), { base64: true }),
    );

    expectRefusedBeforeTheDatabase(table, answer, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('reads a body of exactly 16 KiB (and then refuses its details as too large)', async () => {
    const prefix =
      '{"sourceResourceType":"application","sourceResourceId":"a","targetResourceType":"instance","targetResourceId":"b","details":{"x":"';
    const body = prefix + 'y'.repeat(16 * 1024 - prefix.length - 3) + '"}}';
    expect(Buffer.byteLength(body)).toBe(16 * 1024);

    const answer = await invoke(createConnection, withBody(sampleRequest('createConnection'), body));

    expectRefusedBeforeTheDatabase(table, answer, 400, 'VALIDATION_FAILED');
    expect(errorPaths(answer)).toEqual(['details']);
  });

  it.each([
    ['truncated JSON', '{"sourceResourceType":'],
    ['plain text', 'not json'],
    ['trailing text', '{} x'],
    ['single quotes', "{'a':1}"],
    ['an empty body', ''],
  ])('answers 400 INVALID_JSON to %s', async (_, body) => {
    const answer = await invoke(createConnection, withBody(sampleRequest('createConnection'), body));

    expectRefusedBeforeTheDatabase(table, answer, 400, 'INVALID_JSON');
  });

  it('answers 400 INVALID_JSON to a body that is not UTF-8', async () => {
    const body = Buffer.concat([Buffer.from('{"sourceResourceId":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);

    expectRefusedBeforeTheDatabase(
      table,
      await invoke(createConnection, withBody(sampleRequest('createConnection'), body, { base64: true })),
      400,
      'INVALID_JSON',
    );
  });

  it('asks for a body when there is none and no content type', async () => {
    const event = gatewayEvent(
      withHeaders(withoutBody(sampleRequest('createConnection')), { 'content-type': undefined }),
    );
    expect(event).not.toHaveProperty('body');

    const answer = await invoke(createConnection, event);

    expectRefusedBeforeTheDatabase(table, answer, 400, 'VALIDATION_FAILED');
    expect(answer.body.errors).toEqual([{ path: '', message: 'a JSON body is required' }]);
  });

  it('answers 400 INVALID_JSON when a JSON content type comes with no body', async () => {
    expectRefusedBeforeTheDatabase(
      table,
      await invoke(updateConnection, withoutBody(sampleRequest('updateConnection'))),
      400,
      'INVALID_JSON',
    );
  });

  it.each([
    [
      'createConnection',
      createConnection,
      '{"sourceResourceType":"application","sourceResourceId":"a","targetResourceType":"instance","targetResourceId":"b","details":{"a":',
    ],
    ['updateConnection', updateConnection, '{"details":{"a":'],
  ] as const)(
    '%s answers 400, not 500, to details nested 7000 levels deep inside 16 KiB',
    async (route, handler, head) => {
      const body = `${head}${'['.repeat(7000)}${']'.repeat(7000)}}}`;
      expect(Buffer.byteLength(body)).toBeLessThan(16 * 1024);

      const answer = await invoke(handler, withBody(sampleRequest(route), body));

      expectRefusedBeforeTheDatabase(table, answer, 400, 'VALIDATION_FAILED');
      expect(errorPaths(answer)).toEqual(['details']);
    },
  );

  it.each([
    [
      'createConnection',
      createConnection,
      '{"sourceResourceType":"application","sourceResourceId":"a","targetResourceType":"instance","targetResourceId":"b","details":{"__proto__":{"admin":true},"port":80}}',
    ],
    ['updateConnection', updateConnection, '{"details":{"__proto__":{"admin":true}}}'],
  ] as const)('%s refuses a "__proto__" key (400) rather than dropping it silently', async (route, handler, body) => {
    const answer = await invoke(handler, withBody(sampleRequest(route), body));

    expectRefusedBeforeTheDatabase(table, answer, 400, 'VALIDATION_FAILED');
    expect(errorPaths(answer)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('decodes a base64 body (isBase64Encoded true) before reading it', async () => {
    const event = gatewayEvent(
      withBody(
        sampleRequest('createConnection'),
        {
          sourceResourceType: 'application',
          sourceResourceId: 'app 42',
          targetResourceType: 'instance',
          targetResourceId: 'i-1',
        },
        { base64: true },
      ),
    );
    expect(event.isBase64Encoded).toBe(true);

    const answer = await invoke(createConnection, event);

    expectRefusedBeforeTheDatabase(table, answer, 400, 'VALIDATION_FAILED');
    expect(errorPaths(answer)).toEqual(['sourceResourceId']);
  });

  it.each([
    ['null', null],
    ['an array', [{ status: 'connecting' }]],
    ['a string', '"connecting"'],
    ['a number', '1'],
  ])('answers 400 VALIDATION_FAILED to a JSON body that is %s', async (_, body) => {
    expectRefusedBeforeTheDatabase(
      table,
      await invoke(updateConnection, withBody(sampleRequest('updateConnection'), body)),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('names each field that is wrong in a create body', async () => {
    const body = { sourceResourceType: 'app', sourceResourceId: 'a#1', targetResourceType: 'instance', id: 'x' };

    const answer = await invoke(createConnection, withBody(sampleRequest('createConnection'), body));

    expectRefusedBeforeTheDatabase(table, answer, 400, 'VALIDATION_FAILED');
    expect(errorPaths(answer)).toEqual(['id', 'sourceResourceId', 'sourceResourceType', 'targetResourceId']);
  });

  it.each([{}, { version: 4 }, { sourceResourceId: 'x' }, { statusReason: 'r'.repeat(1025) }])(
    'update answers 400 to %j',
    async (body) => {
      expectRefusedBeforeTheDatabase(
        table,
        await invoke(updateConnection, withBody(sampleRequest('updateConnection'), body)),
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

    const refused = await invoke(createConnection, withBody(sampleRequest('createConnection'), body));
    const fromTerminal = await invoke(createConnection, withBody(sampleRequest('createConnection'), terminal));

    expectRefusedBeforeTheDatabase(table, refused, 422, 'CONNECTION_NOT_ALLOWED');
    expect(refused.body.allowedTargets).toEqual([]);
    expectRefusedBeforeTheDatabase(table, fromTerminal, 422, 'CONNECTION_NOT_ALLOWED');
    expect(fromTerminal.body.allowedTargets).toEqual(['instance']);
  });
});
