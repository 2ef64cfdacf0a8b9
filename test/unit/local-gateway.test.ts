import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { handler as getConnection } from '../../functions/handlers/get-connection.ts';
import { handler as health } from '../../functions/handlers/health.ts';
import { ROUTES } from '../../functions/routes.ts';
import { gatewayEvent, matchRoute, type GatewayRequest, type RouteMatch } from '../../local/gateway.ts';
import { CAPTURED_GATEWAY_EVENTS } from '../../testkit/gateway-events.ts';
import { invoke } from '../../testkit/events.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const ID = '01JD3Y6Q9K6V7Z5N8M2C4B1A0E';

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

describe('gatewayEvent, the one builder', () => {
  const listPath = '/api/acme/prod/resource-connections';
  const claims = {
    sub: 'user-7',
    scope: 'connections:read connections:write',
    projects: ['acme/prod', 'beta/*'],
    exp: 1795784400,
    email_verified: true,
    address: { country: 'NL' },
  };

  /** The event for a request as the local server hands it over: method, path and the route it matched. */
  const build = (method: string, path: string, request: Partial<GatewayRequest> = {}) =>
    gatewayEvent({ route: matched(method, path).route, method, path, sourceIp: '10.1.2.3', ...request });

  it('builds a payload 2.0 event as API Gateway does', () => {
    // prepare
    const before = Date.now();

    // act
    const event = build('GET', listPath, {
      rawQueryString: 'status=pending&status=failed&limit=5',
      headers: {
        host: 'localhost:3000',
        'User-Agent': 'curl/8.5.0',
        accept: 'application/json',
        authorization: 'Bearer x.y.z',
        cookie: 'session=abc; theme=dark',
        'x-forwarded-for': ['203.0.113.7', '10.0.0.1'],
      },
      claims,
    });

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
    expect(event.headers).toMatchObject({
      host: 'localhost:3000',
      'user-agent': 'curl/8.5.0',
      accept: 'application/json',
      authorization: 'Bearer x.y.z',
      'x-forwarded-for': '203.0.113.7,10.0.0.1',
      'x-forwarded-proto': 'https',
      'x-forwarded-port': '443',
    });
    expect(event.headers).not.toHaveProperty('cookie');
    expect(event.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(event).not.toHaveProperty('body');
    const context = event.requestContext;
    expect(context.http).toEqual({
      method: 'GET',
      path: listPath,
      protocol: 'HTTP/1.1',
      sourceIp: '10.1.2.3',
      userAgent: 'curl/8.5.0',
    });
    expect(context.domainName).toBe('localhost:3000');
    expect(context.stage).toBe('$default');
    expect(context.routeKey).toBe(event.routeKey);
    expect(context.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.timeEpoch).toBeGreaterThanOrEqual(before);
    expect(context.timeEpoch).toBeLessThanOrEqual(Date.now());
    expect(context.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  });

  it('passes every claim as a string, a list as "[a b]", and the scopes as a list', () => {
    const event = build('GET', listPath, { claims });

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

  it('passes scopes: null when the token has no scope claim, and the scopes it is given otherwise', () => {
    expect(build('GET', listPath, { claims: { sub: 'u' } }).requestContext.authorizer.jwt.scopes).toBeNull();
    const given = build('GET', listPath, { claims: { sub: 'u' }, scopes: ['connections:read'] });
    expect(given.requestContext.authorizer.jwt.scopes).toEqual(['connections:read']);
  });

  it('has no authorizer, no query parameters, no cookies and no body when there are none', () => {
    const event = build('GET', '/health');

    expect(event.requestContext).not.toHaveProperty('authorizer');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('pathParameters');
    expect(event).not.toHaveProperty('cookies');
    expect(event).not.toHaveProperty('body');
    expect(event.rawQueryString).toBe('');
    expect(event.isBase64Encoded).toBe(false);
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/xml'])(
    'passes a %s body as text',
    (contentType) => {
      const event = build('PATCH', `/api/a/b/resource-connections/${ID}`, {
        headers: { 'Content-Type': contentType },
        body: '{"status":"connecting"}',
      });

      expect(event.body).toBe('{"status":"connecting"}');
      expect(event.isBase64Encoded).toBe(false);
      expect(event.headers['content-length']).toBe('23');
    },
  );

  // What real API Gateway does (see isTextMediaType): merge-patch+json and form data arrive base64-encoded too.
  it.each([
    ['application/merge-patch+json'],
    ['application/x-www-form-urlencoded'],
    ['application/octet-stream'],
    ['image/png'],
    [undefined],
  ])('passes a %s body base64-encoded', (contentType) => {
    const body = Buffer.from([0x00, 0xff, 0x10, 0x7b]);
    const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};

    const event = build('POST', '/api/a/b/resource-connections', { headers, body });

    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(body);
  });

  it('keeps isBase64Encoded on a body-less request when asked, as API Gateway sometimes sends it', () => {
    expect(build('GET', '/health', { base64: true }).isBase64Encoded).toBe(true);
  });

  it('falls back to 127.0.0.1 when the socket has no address', () => {
    const event = gatewayEvent({ route: matched('GET', '/health').route, path: '/health' });

    expect(event.requestContext.http.sourceIp).toBe('127.0.0.1');
  });

  it.each([
    ['jwt', () => build('POST', listPath, { claims: { sub: 'u' } })],
    ['public', () => build('GET', '/health')],
  ] as const)('has the shape of the %s event AWS delivered (testkit/fixtures/captured/)', (name, make) => {
    // Every member AWS sent is there with the same type, and nothing AWS never sends is added.
    const shape = (value: unknown): unknown =>
      value === null || typeof value !== 'object' || Array.isArray(value)
        ? value === null
          ? 'null'
          : Array.isArray(value)
            ? 'array'
            : typeof value
        : Object.fromEntries(
            Object.entries(value)
              .filter(([key]) => !['headers', 'claims', 'queryStringParameters', 'pathParameters'].includes(key))
              .map(([key, child]) => [key, shape(child)]),
          );
    expect(shape(make())).toEqual(shape(CAPTURED_GATEWAY_EVENTS[name]));
  });

  it('builds events the handlers read: health answers, and a token for another project is refused', async () => {
    const path = `/api/acme/prod/resource-connections/${ID}`;
    const foreign = build('GET', path, { claims: { ...claims, projects: ['beta/*'] } });

    expect((await invoke(health, build('GET', '/health'))).statusCode).toBe(200);
    const answer = await invoke(getConnection, foreign);
    expect(answer.statusCode).toBe(403);
    expect(answer.body.code).toBe('FORBIDDEN');
  });
});
