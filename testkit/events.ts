/**
 * Requests for handler tests, sent as the events the one builder makes (`gatewayEvent` in
 * local/gateway.ts, whose output the AWS captures in testkit/fixtures/captured/ check): a sample
 * request per route as a platform's client sends it, small changes to a request, and `invoke`,
 * which calls a handler the way the Lambda runtime does.
 */
import type { GatewayEvent, GatewayResult } from '#http/http.ts';
import { gatewayEvent, lambdaContext, type GatewayRequest } from '../local/gateway.ts';
import { ROUTES, routeById, type RouteId } from '../functions/routes.ts';
import { DEFAULT_TIMEOUT_SECONDS, routeKey, timeoutSecondsOf, type Route } from '../functions/route-table/shape.ts';

export type { GatewayRequest };

/** The connection the sample requests name, in acme/prod; stored, it is FIXTURE_CONNECTION (testkit/connections.ts). */
export const SAMPLE_ID = '01JD3Y6Q9K6V7Z5N8M2C4B1A0E';

/** The samples' token: user-7, granted acme's prod and dev environments with both scopes. */
const CLAIMS: Readonly<Record<string, string>> = {
  aud: 'resource-connections',
  exp: '1795784400',
  iat: '1795780800',
  iss: 'https://auth.example.com/',
  jti: '5f0c2b8e-4d1a-4c59-9a57-2a0f4f6c1e11',
  projects: '[acme/prod acme/dev]',
  scope: 'connections:read connections:write',
  sub: 'user-7',
  token_use: 'access',
};

const CLIENT: Readonly<Record<string, string>> = {
  accept: 'application/json',
  'accept-encoding': 'gzip, deflate, br',
  host: 'r9x2k4m1qa.execute-api.eu-west-1.amazonaws.com',
  'user-agent': 'platform-provisioner/2.3.1 node/20.19.0',
};

const TOKEN = {
  headers: {
    ...CLIENT,
    authorization: 'Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3QifQ.eyJzdWIiOiJ1c2VyLTcifQ.c2lnbmF0dXJl',
  },
  claims: CLAIMS,
  scopes: ['connections:read', 'connections:write'],
};

/** The path of `route` with its parameters filled in, percent-encoded as a client sends them. */
export const pathOf = (route: Route, parameters: Readonly<Record<string, string>>): string =>
  route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(parameters[name] ?? ''));

function sample(
  id: RouteId,
  parameters: Record<string, string>,
  request: Partial<GatewayRequest> = {},
): GatewayRequest {
  const route = routeById(id);
  const base = route.path.startsWith('/api/') ? TOKEN : { headers: CLIENT };
  return { route, path: pathOf(route, parameters), sourceIp: '203.0.113.7', ...base, ...request };
}

const ACME_PROD = { projectSlug: 'acme', environmentSlug: 'prod' };
const CONNECTION = { ...ACME_PROD, connectionId: SAMPLE_ID };

const SAMPLES = {
  getHealth: sample('getHealth', {}),
  getOpenApi: sample('getOpenApi', {}),
  getConnectionRules: sample('getConnectionRules', {}),
  getConnection: sample('getConnection', CONNECTION),
  listConnections: sample('listConnections', ACME_PROD, {
    rawQueryString: 'sourceResourceType=application&status=pending&limit=20',
  }),
  listResourceConnections: sample('listResourceConnections', {
    ...ACME_PROD,
    resourceType: 'instance',
    resourceId: 'i-0abc123',
  }),
  createConnection: withBody(
    sample('createConnection', ACME_PROD),
    '{"sourceResourceType":"application","sourceResourceId":"app-42","targetResourceType":"instance","targetResourceId":"i-0abc123","details":{"port":8080}}',
  ),
  updateConnection: withBody(
    withHeaders(sample('updateConnection', CONNECTION), { 'if-match': '"3"' }),
    { status: 'connecting', details: { port: null } },
    { contentType: 'application/merge-patch+json' },
  ),
  deleteConnection: sample('deleteConnection', CONNECTION),
} satisfies Partial<Record<RouteId, GatewayRequest>>;

export type SampleRoute = keyof typeof SAMPLES;

/**
 * The request a platform's client sends to the route: with a token (user-7, acme's prod and dev, both
 * scopes) on the data routes, on acme/prod's connection SAMPLE_ID; a create of application app-42 →
 * instance i-0abc123; a PATCH to `connecting` with If-Match "3"; a list by source type and status.
 */
export const sampleRequest = (id: SampleRoute): GatewayRequest => SAMPLES[id];

/** Replaces the token's claims (API Gateway passes them as strings) and the authorizer's scopes. */
export function withClaims(
  request: GatewayRequest,
  claims: Readonly<Record<string, string>>,
  scopes: readonly string[] | null = null,
): GatewayRequest {
  return { ...request, claims, scopes };
}

/** Changes some claims of the request's token, keeping the others; `undefined` removes a claim. */
export function withClaimChanges(
  request: GatewayRequest,
  changes: Readonly<Record<string, string | undefined>>,
): GatewayRequest {
  const claims = { ...request.claims } as Record<string, string>;
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete claims[name];
    else claims[name] = value;
  }
  return { ...request, claims };
}

/** No token at all: no Authorization header, and so no authorizer in the event. */
export function withoutAuthorizer(request: GatewayRequest): GatewayRequest {
  const { claims: _claims, scopes: _scopes, ...rest } = request;
  return withHeaders(rest, { authorization: undefined });
}

export const withQuery = (request: GatewayRequest, rawQueryString: string): GatewayRequest => ({
  ...request,
  rawQueryString,
});

/** Replaces some path parameters; the path is what a client would send for them. */
export function withPathParameters(request: GatewayRequest, changes: Readonly<Record<string, string>>): GatewayRequest {
  const segments = request.path.split('/');
  const current = Object.fromEntries(
    request.route.path
      .split('/')
      .flatMap((part, i) => (part.startsWith('{') ? [[part.slice(1, -1), decodeURIComponent(segments[i]!)]] : [])),
  );
  return { ...request, path: pathOf(request.route, { ...current, ...changes }) };
}

/** Adds or replaces headers (by lowercase name); `undefined` removes one. */
export function withHeaders(
  request: GatewayRequest,
  changes: Readonly<Record<string, string | undefined>>,
): GatewayRequest {
  const headers: Record<string, string | readonly string[] | undefined> = { ...request.headers };
  for (const [name, value] of Object.entries(changes)) headers[name.toLowerCase()] = value;
  return { ...request, headers };
}

export interface BodyOptions {
  /** The content-type header; `null` sends none. @default 'application/json' */
  readonly contentType?: string | null;
  /** Send the body base64-encoded (or not) whatever its media type. @default as API Gateway does */
  readonly base64?: boolean;
}

/** Replaces the body: a Buffer or string is sent as it is, any other value as JSON text. */
export function withBody(request: GatewayRequest, body: unknown, options: BodyOptions = {}): GatewayRequest {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
  const withType = withHeaders(request, { 'content-type': contentType ?? undefined });
  return { ...withType, body: bytes, ...(options.base64 === undefined ? {} : { base64: options.base64 }) };
}

/** No body at all, as a client sends a request without one. */
export function withoutBody(request: GatewayRequest): GatewayRequest {
  const { body: _body, base64: _base64, ...rest } = request;
  return rest;
}

/** The request's JSON body, parsed. */
export const bodyOf = (request: GatewayRequest): Record<string, unknown> =>
  JSON.parse(String(request.body ?? '{}')) as Record<string, unknown>;

/** Any middy handler built by `endpoint(...)`; its context type is internal to http.ts. */
export type LambdaHandler = (event: GatewayEvent, context: never) => Promise<GatewayResult>;

export interface Answer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  readonly body: Record<string, unknown>;
}

/**
 * Calls a handler the way the Lambda runtime does, with the time its route's function has as
 * deployed, and returns the answer with its body parsed. A request is sent as gatewayEvent builds it.
 */
export async function invoke(handler: LambdaHandler, input: GatewayRequest | GatewayEvent): Promise<Answer> {
  const event = 'route' in input ? (gatewayEvent(input) as GatewayEvent) : input;
  const route = ROUTES.find((candidate) => routeKey(candidate) === event.routeKey);
  const timeoutSeconds = route ? timeoutSecondsOf(route) : DEFAULT_TIMEOUT_SECONDS;
  const context = lambdaContext('resource-connections-test', undefined, timeoutSeconds * 1000);
  const result = await handler(event, context as never);
  const text = result.body ?? '';
  return {
    statusCode: result.statusCode ?? 200,
    headers: Object.fromEntries(
      Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
    ),
    text,
    // The topology page answers HTML, JavaScript or CSS (perhaps gzipped): only JSON is parsed.
    body:
      text === '' || !/json/.test(String(result.headers?.['content-type'] ?? ''))
        ? {}
        : (JSON.parse(text) as Record<string, unknown>),
  };
}
