import fc from 'fast-check';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { handler as getConnection } from '../../functions/handlers/get-connection.ts';
import { handler as health } from '../../functions/handlers/health.ts';
import { ROUTES } from '../../functions/routes.ts';
import { buildEvent, matchRoute, type RouteMatch } from '../../local/gateway.ts';
import { invoke } from '../../testkit/events.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const ID = '01JD3Y6Q9K6V7Z5N8M2C4B1A0E';

/** Just enough of an IncomingMessage for buildEvent: headers as Node gives them, version, socket. */
function request(
  headers: Record<string, string | string[]>,
  socket: { remoteAddress?: string } = { remoteAddress: '10.1.2.3' },
): IncomingMessage {
  return { headers, httpVersion: '1.1', socket } as unknown as IncomingMessage;
}

function matched(method: string, path: string): RouteMatch {
  const match = matchRoute(method, path);
  expect(match, `${method} ${path}`).toBeDefined();
  return match!;
}

describe('matchRoute', () => {
  it.each([
    ['GET', '/health', 'getHealth', {}],
    ['GET', '/openapi.json', 'getOpenApi', {}],
    ['GET', '/connection-rules', 'getConnectionRules', {}],
    [
      'POST',
      '/api/acme/prod/resource-connections',
      'createConnection',
      { projectSlug: 'acme', environmentSlug: 'prod' },
    ],
    ['GET', '/api/acme/prod/resource-connections', 'listConnections', { projectSlug: 'acme', environmentSlug: 'prod' }],
    [
      'GET',
      `/api/acme/prod/resource-connections/${ID}`,
      'getConnection',
      { projectSlug: 'acme', environmentSlug: 'prod', connectionId: ID },
    ],
    [
      'PATCH',
      `/api/acme/prod/resource-connections/${ID}`,
      'updateConnection',
      { projectSlug: 'acme', environmentSlug: 'prod', connectionId: ID },
    ],
    [
      'DELETE',
      `/api/acme/prod/resource-connections/${ID}`,
      'deleteConnection',
      { projectSlug: 'acme', environmentSlug: 'prod', connectionId: ID },
    ],
    [
      'GET',
      '/api/acme/prod/resources/instance/i-0abc/connections',
      'listResourceConnections',
      { projectSlug: 'acme', environmentSlug: 'prod', resourceType: 'instance', resourceId: 'i-0abc' },
    ],
  ])('%s %s is %s', (method, path, id, pathParameters) => {
    const match = matched(method, path);

    expect(match.route.id).toBe(id);
    expect(match.pathParameters).toEqual(pathParameters);
  });

  it.each([
    ['user%40example.com', 'user@example.com'],
    ['arn%3Aaws%3As3', 'arn:aws:s3'],
    ['a%20b', 'a b'],
    ['%C3%A4', 'ä'],
  ])('decodes the path parameter %s to %j', (raw, decoded) => {
    const match = matched('GET', `/api/acme/prod/resources/storage_bucket/${raw}/connections`);

    expect(match.pathParameters.resourceId).toBe(decoded);
  });

  it.each([
    ['a segment that does not decode', 'GET', '/api/acme/prod/resources/instance/%E0%A4%A/connections'],
    ['a lone %', 'GET', '/api/acme/prod/resources/instance/%/connections'],
    ['a method the route does not have', 'PUT', `/api/acme/prod/resource-connections/${ID}`],
    ['POST on a connection', 'POST', `/api/acme/prod/resource-connections/${ID}`],
    ['a lowercase method', 'get', '/health'],
    ['an extra segment', 'GET', `/api/acme/prod/resource-connections/${ID}/extra`],
    ['a trailing slash', 'GET', '/api/acme/prod/resource-connections/'],
    ['a trailing slash on a service route', 'GET', '/health/'],
    ['a missing segment', 'GET', '/api/acme/resource-connections'],
    ['an empty parameter segment', 'GET', '/api//prod/resource-connections'],
    ['another literal', 'GET', '/api/acme/prod/resource-connection'],
    ['another case', 'GET', '/Health'],
    ['the root', 'GET', '/'],
    ['an empty path', 'GET', ''],
  ])('falls through to the $default catch-all for %s', (_, method, path) => {
    expect(matchRoute(method, path)?.route.id).toBe('notFound');
  });

  it('finds every route again from its template, with the parameters decoded', () => {
    const segment = fc.string({ minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(
        fc.constantFrom(...ROUTES.filter((route) => route.method !== 'ANY')),
        fc.array(segment, { minLength: 5, maxLength: 5 }),
        (route, values) => {
          // prepare
          const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
          const expected = Object.fromEntries(names.map((name, i) => [name, values[i]!]));
          const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(expected[name]!));

          // act
          const match = matchRoute(route.method, path);

          // assess
          expect(match?.route.id).toBe(route.id);
          expect(match?.pathParameters).toEqual(expected);
        },
      ),
    );
  });
});

describe('buildEvent', () => {
  const listPath = '/api/acme/prod/resource-connections';
  const claims = {
    sub: 'user-7',
    scope: 'connections:read connections:write',
    projects: ['acme/prod', 'beta/*'],
    exp: 1795784400,
    email_verified: true,
    address: { country: 'NL' },
  };

  it('builds a payload 2.0 event as API Gateway does', () => {
    // prepare
    const url = new URL(`http://localhost:3000${listPath}?status=pending&status=failed&limit=5`);
    const req = request({
      host: 'localhost:3000',
      'user-agent': 'curl/8.5.0',
      accept: 'application/json',
      authorization: 'Bearer x.y.z',
      cookie: 'session=abc; theme=dark',
      'x-forwarded-for': ['203.0.113.7', '10.0.0.1'],
    });
    const before = Date.now();

    // act
    const event = buildEvent(req, url, Buffer.alloc(0), matched('GET', listPath), claims);

    // assess
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /api/{projectSlug}/{environmentSlug}/resource-connections',
      rawPath: listPath,
      rawQueryString: 'status=pending&status=failed&limit=5',
      queryStringParameters: { status: 'pending,failed', limit: '5' },
      pathParameters: { projectSlug: 'acme', environmentSlug: 'prod' },
      cookies: ['session=abc', 'theme=dark'],
      isBase64Encoded: false,
    });
    expect(event.headers).toEqual({
      host: 'localhost:3000',
      'user-agent': 'curl/8.5.0',
      accept: 'application/json',
      authorization: 'Bearer x.y.z',
      'x-forwarded-for': '203.0.113.7,10.0.0.1',
    });
    expect(event).not.toHaveProperty('body');
    const context = event.requestContext;
    expect(context.http).toEqual({
      method: 'GET',
      path: listPath,
      protocol: 'HTTP/1.1',
      sourceIp: '10.1.2.3',
      userAgent: 'curl/8.5.0',
    });
    expect(context.stage).toBe('$default');
    expect(context.routeKey).toBe(event.routeKey);
    expect(context.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.timeEpoch).toBeGreaterThanOrEqual(before);
    expect(context.timeEpoch).toBeLessThanOrEqual(Date.now());
    expect(context.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  });

  it('passes every claim as a string, a list as "[a b]", and the scopes as a list', () => {
    const event = buildEvent(
      request({}),
      new URL(`http://localhost${listPath}`),
      Buffer.alloc(0),
      matched('GET', listPath),
      claims,
    );

    expect(event.requestContext.authorizer.jwt).toEqual({
      claims: {
        sub: 'user-7',
        scope: 'connections:read connections:write',
        projects: '[acme/prod beta/*]',
        exp: '1795784400',
        email_verified: 'true',
        address: '{"country":"NL"}',
      },
      scopes: ['connections:read', 'connections:write'],
    });
  });

  it('passes scopes: null when the token has no scope claim', () => {
    const event = buildEvent(
      request({}),
      new URL(`http://localhost${listPath}`),
      Buffer.alloc(0),
      matched('GET', listPath),
      { sub: 'u' },
    );

    expect(event.requestContext.authorizer.jwt.scopes).toBeNull();
  });

  it('has no authorizer, no query parameters, no cookies and no body when there are none', () => {
    const event = buildEvent(
      request({}),
      new URL('http://localhost/health'),
      Buffer.alloc(0),
      matched('GET', '/health'),
      undefined,
    );

    expect(event.requestContext).not.toHaveProperty('authorizer');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('pathParameters');
    expect(event).not.toHaveProperty('cookies');
    expect(event).not.toHaveProperty('body');
    expect(event.rawQueryString).toBe('');
    expect(event.isBase64Encoded).toBe(false);
  });

  it.each(['application/json', 'application/merge-patch+json', 'application/json; charset=utf-8', 'text/plain'])(
    'passes a %s body as text',
    (contentType) => {
      const body = Buffer.from('{"status":"connecting"}');

      const event = buildEvent(
        request({ 'content-type': contentType }),
        new URL(`http://localhost/api/a/b/resource-connections/${ID}`),
        body,
        matched('PATCH', `/api/a/b/resource-connections/${ID}`),
        undefined,
      );

      expect(event.body).toBe('{"status":"connecting"}');
      expect(event.isBase64Encoded).toBe(false);
    },
  );

  it.each([['application/octet-stream'], ['image/png'], [undefined]])(
    'passes a %s body base64-encoded',
    (contentType) => {
      const body = Buffer.from([0x00, 0xff, 0x10, 0x7b]);
      const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};

      const event = buildEvent(
        request(headers),
        new URL('http://localhost/api/a/b/resource-connections'),
        body,
        matched('POST', '/api/a/b/resource-connections'),
        undefined,
      );

      expect(event.isBase64Encoded).toBe(true);
      expect(Buffer.from(event.body ?? '', 'base64')).toEqual(body);
    },
  );

  it('falls back to 127.0.0.1 when the socket has no address', () => {
    const event = buildEvent(
      request({}, {}),
      new URL('http://localhost/health'),
      Buffer.alloc(0),
      matched('GET', '/health'),
      undefined,
    );

    expect(event.requestContext.http.sourceIp).toBe('127.0.0.1');
  });

  it('builds events the handlers read: health answers, and a token for another project is refused', async () => {
    const healthEvent = buildEvent(
      request({}),
      new URL('http://localhost/health'),
      Buffer.alloc(0),
      matched('GET', '/health'),
      undefined,
    );
    const path = `/api/acme/prod/resource-connections/${ID}`;
    const foreign = buildEvent(request({}), new URL(`http://localhost${path}`), Buffer.alloc(0), matched('GET', path), {
      ...claims,
      projects: ['beta/*'],
    });

    expect((await invoke(health, healthEvent)).statusCode).toBe(200);
    const answer = await invoke(getConnection, foreign);
    expect(answer.statusCode).toBe(403);
    expect(answer.body.code).toBe('FORBIDDEN');
  });
});
