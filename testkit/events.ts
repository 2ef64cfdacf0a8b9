/**
 * API Gateway (HTTP API, payload format 2.0) events for handler tests: the JSON fixtures in
 * testkit/fixtures/ (each what local/gateway.ts builds for its request: test/unit/fixtures.test.ts),
 * and small changes to them that follow the builder's rules: lowercase header names, claim values as
 * strings, repeated query values joined by commas in queryStringParameters, no `body` key on GET,
 * and `isBase64Encoded` true for a body whose media type API Gateway does not treat as text.
 */
import { readFileSync } from 'node:fs';
import type { GatewayEvent, GatewayResult } from '#http/http.ts';
import { isTextMediaType, lambdaContext, queryParameters } from '../local/gateway.ts';
import { DEFAULT_TIMEOUT_SECONDS, ROUTES, routeKey, timeoutSecondsOf } from '../functions/routes.ts';

export type FixtureName =
  | 'get-connection'
  | 'list-connections'
  | 'list-resource-connections'
  | 'create-connection'
  | 'update-connection'
  | 'delete-connection'
  | 'health'
  | 'connection-rules'
  | 'openapi';

/** A fresh copy of a fixture event: change it freely. */
export function loadEvent(name: FixtureName): GatewayEvent {
  const text = readFileSync(new URL(`./fixtures/${name}.event.json`, import.meta.url), 'utf8');
  return JSON.parse(text) as GatewayEvent;
}

type Claims = Record<string, string>;

/** Replaces the JWT authorizer's claims (as strings, the way API Gateway passes them) and scopes. */
export function withClaims(event: GatewayEvent, claims: Claims, scopes: string[] | null = null): GatewayEvent {
  return {
    ...event,
    requestContext: {
      ...event.requestContext,
      authorizer: { ...event.requestContext.authorizer, jwt: { claims, scopes } },
    },
  } as GatewayEvent;
}

/** Changes some claims of the fixture's token, keeping the others; `undefined` removes a claim. */
export function withClaimChanges(event: GatewayEvent, changes: Record<string, string | undefined>): GatewayEvent {
  const claims: Claims = { ...(event.requestContext.authorizer?.jwt?.claims as Claims | undefined) };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete claims[name];
    else claims[name] = value;
  }
  return withClaims(event, claims, event.requestContext.authorizer?.jwt?.scopes ?? null);
}

/** No authorizer at all: what the function sees for a route reached without a token. */
export function withoutAuthorizer(event: GatewayEvent): GatewayEvent {
  const { authorizer: _authorizer, ...requestContext } = event.requestContext;
  const { authorization: _authorization, ...headers } = event.headers;
  return { ...event, headers, requestContext } as GatewayEvent;
}

/**
 * Sets the query string: `rawQueryString` as sent, and `queryStringParameters` as API Gateway
 * derives it (decoded, repeated values joined by commas, the key absent when there is no query).
 */
export function withQuery(event: GatewayEvent, rawQueryString: string): GatewayEvent {
  const parameters = queryParameters(rawQueryString);
  const { queryStringParameters: _old, ...rest } = event;
  return {
    ...rest,
    rawQueryString,
    ...(Object.keys(parameters).length ? { queryStringParameters: parameters } : {}),
  } as GatewayEvent;
}

/** Replaces some path parameters, and rawPath with them, as API Gateway would have matched them. */
export function withPathParameters(event: GatewayEvent, changes: Record<string, string>): GatewayEvent {
  const pathParameters = { ...event.pathParameters, ...changes };
  const template = event.routeKey.split(' ')[1] ?? '';
  const rawPath = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(pathParameters[name] ?? ''));
  return {
    ...event,
    rawPath,
    pathParameters,
    requestContext: { ...event.requestContext, http: { ...event.requestContext.http, path: rawPath } },
  } as GatewayEvent;
}

/** Adds or replaces headers (names in lowercase, as API Gateway passes them); `undefined` removes one. */
export function withHeaders(event: GatewayEvent, changes: Record<string, string | undefined>): GatewayEvent {
  const headers: Record<string, string | undefined> = { ...event.headers };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete headers[name.toLowerCase()];
    else headers[name.toLowerCase()] = value;
  }
  return { ...event, headers } as GatewayEvent;
}

export interface BodyOptions {
  /** The content-type header; `null` sends none. Default `application/json`. */
  readonly contentType?: string | null;
  /** Send the body base64-encoded with `isBase64Encoded: true`. @default as API Gateway does: unless its media type is text */
  readonly base64?: boolean;
}

/** Replaces the body: a value is sent as JSON text, a string or Buffer as it is. */
export function withBody(event: GatewayEvent, body: unknown, options: BodyOptions = {}): GatewayEvent {
  const bytes = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
  const base64 = options.base64 ?? !isTextMediaType(contentType ?? undefined);
  const withType = withHeaders(event, {
    'content-type': contentType ?? undefined,
    'content-length': String(bytes.length),
  });
  return {
    ...withType,
    body: base64 ? bytes.toString('base64') : bytes.toString('utf8'),
    isBase64Encoded: base64,
  } as GatewayEvent;
}

/** No `body` key at all, as API Gateway sends a request without a body. */
export function withoutBody(event: GatewayEvent): GatewayEvent {
  const { body: _body, ...rest } = event;
  const withoutLength = withHeaders(rest as GatewayEvent, { 'content-length': undefined });
  return { ...withoutLength, isBase64Encoded: false } as GatewayEvent;
}

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
 * deployed, and returns the answer with its body parsed.
 */
export async function invoke(handler: LambdaHandler, event: GatewayEvent): Promise<Answer> {
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
