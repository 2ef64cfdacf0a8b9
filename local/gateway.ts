/**
 * What API Gateway (HTTP API, payload format 2.0) and the Lambda runtime do in front of the
 * functions: match a route, build the event exactly as the real service sends it, and the context
 * a function is invoked with. The local server, the handler tests and the bundle tests all build
 * their events here.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { ROUTES } from '../functions/routes.ts';
import { routeKey, type Route } from '../functions/route-table/shape.ts';

export interface RouteMatch {
  readonly route: Route;
  readonly pathParameters: Record<string, string>;
}

const catchAll = ROUTES.find((route) => route.path === '$default');

/**
 * The route API Gateway would pick: a route whose method and path match, else the `$default`
 * catch-all. Path parameters are decoded; a segment that does not decode matches nothing.
 */
export function matchRoute(method: string, path: string): RouteMatch | undefined {
  return matchPath(method, path) ?? (catchAll && { route: catchAll, pathParameters: {} });
}

function matchPath(method: string, path: string): RouteMatch | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const pathParameters = matchSegments(route, path);
    if (pathParameters) return { route, pathParameters };
  }
  return undefined;
}

/** The decoded path parameters when `path` matches the route's path, else undefined. */
function matchSegments(route: Route, path: string): Record<string, string> | undefined {
  const pattern = route.path.split('/').slice(1);
  const segments = path.split('/').slice(1);
  if (pattern.length !== segments.length) return undefined;
  const pathParameters: Record<string, string> = {};
  const matches = pattern.every((part, i) => {
    const segment = segments[i]!;
    if (!part.startsWith('{')) return part === segment;
    if (segment === '') return false;
    try {
      pathParameters[part.slice(1, -1)] = decodeURIComponent(segment);
      return true;
    } catch {
      return false;
    }
  });
  return matches ? pathParameters : undefined;
}

/**
 * Media types API Gateway passes as text; every other body (a missing content type,
 * application/merge-patch+json and form data included) arrives base64-encoded. HTTP APIs have no
 * binary-media setting; this split was checked against real AWS (ministackorg/ministack#766) and
 * matches the captures in testkit/fixtures/captured/.
 */
const TEXT_MEDIA = /^(text\/[^;]*|application\/(json|xml|javascript))\s*(;.*)?$/i;

export const isTextMediaType = (contentType: string | undefined): boolean => TEXT_MEDIA.test(contentType ?? '');

/** What a client sent, and the route API Gateway matched: everything the event is made of. */
export interface GatewayRequest {
  readonly route: Route;
  /** The method as sent (the catch-all takes any). @default the route's method, GET for the catch-all */
  readonly method?: string;
  /** The path as the client sent it, percent-encoded where it must be. */
  readonly path: string;
  readonly rawQueryString?: string;
  /** Header names as the client wrote them; a repeated header as a list. */
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body?: Buffer | string;
  /** The verified token's claims; absent on a public route. */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** The scopes the authorizer lists. @default the words of the `scope` claim, or null without one */
  readonly scopes?: readonly string[] | null;
  readonly sourceIp?: string;
  /** @default 'HTTP/1.1' */
  readonly protocol?: string;
  /**
   * Send the body base64-encoded (`true`) or as text (`false`) whatever its media type; a handler
   * must read either. API Gateway sets `isBase64Encoded` on some body-less requests too.
   * @default as API Gateway does: base64 unless the media type is text, and never without a body
   */
  readonly base64?: boolean;
}

/** Claim values reach the function as strings, a list as "[a b]": so API Gateway passes them. */
function stringClaims(claims: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(claims).map(([name, value]) => [
      name,
      Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'object' ? JSON.stringify(value) : String(value),
    ]),
  );
}

function requestTime(date: Date): string {
  const [, day, month, year, time] = /^\w+, (\d+) (\w+) (\d+) ([\d:]+)/.exec(date.toUTCString())!;
  return `${day}/${month}/${year}:${time} +0000`;
}

/**
 * The payload 2.0 event API Gateway (HTTP API) hands the route's function: header names lowercased
 * and repeats joined with commas, its own forwarding headers added, cookies moved to `cookies`,
 * repeated query values joined in `queryStringParameters` (the raw query keeps them apart), path
 * parameters decoded, claims as strings, no `body` key without a body, and a body that is not text
 * by its media type base64-encoded. The one builder: the local server, the handler tests and the
 * bundle tests all send events made here.
 */
export function gatewayEvent(request: GatewayRequest): APIGatewayProxyEventV2WithJWTAuthorizer {
  const { route, path, claims } = request;
  const method = request.method ?? (route.method === 'ANY' ? 'GET' : route.method);
  const sourceIp = request.sourceIp ?? '127.0.0.1';
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    const text = typeof value === 'string' ? value : value.join(',');
    headers[lower] = Object.hasOwn(headers, lower) ? `${headers[lower]},${text}` : text;
  }
  const cookies = headers.cookie?.split(/;\s*/).filter(Boolean);
  delete headers.cookie;
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
  if (body.length > 0) headers['content-length'] ??= String(body.length);
  headers.host ??= 'localhost';
  headers['x-forwarded-for'] ??= sourceIp;
  headers['x-forwarded-port'] ??= '443';
  headers['x-forwarded-proto'] ??= 'https';
  headers['x-amzn-trace-id'] ??=
    `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  const rawQueryString = request.rawQueryString ?? '';
  const queryStringParameters = queryParameters(rawQueryString);
  const pathParameters = route.path === '$default' ? {} : (matchSegments(route, path) ?? {});
  const base64 = request.base64 ?? (body.length > 0 && !isTextMediaType(headers['content-type']));
  const now = new Date();
  const scopes =
    request.scopes !== undefined
      ? request.scopes && [...request.scopes]
      : typeof claims?.scope === 'string'
        ? claims.scope.split(' ').filter(Boolean)
        : null;

  const key = routeKey(route);
  const event = {
    version: '2.0',
    routeKey: key,
    rawPath: path,
    rawQueryString,
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(queryStringParameters).length ? { queryStringParameters } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      ...(claims ? { authorizer: { jwt: { claims: stringClaims(claims), scopes } } } : {}),
      domainName: headers.host,
      domainPrefix: headers.host.split('.')[0]!,
      http: {
        method,
        path,
        protocol: request.protocol ?? 'HTTP/1.1',
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: key,
      stage: '$default',
      time: requestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: body.toString(base64 ? 'base64' : 'utf8') } : {}),
    isBase64Encoded: base64,
  };
  return event as APIGatewayProxyEventV2WithJWTAuthorizer;
}

/** `queryStringParameters` as API Gateway derives it: decoded, repeated values joined by commas. */
export function queryParameters(rawQueryString: string): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    parameters[name] = Object.hasOwn(parameters, name) ? `${parameters[name]},${value}` : value;
  }
  return parameters;
}

/** The Lambda context a function is invoked with; `timeoutMs` counts down from now. */
export function lambdaContext(functionName: string, awsRequestId: string = randomUUID(), timeoutMs = 29_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
