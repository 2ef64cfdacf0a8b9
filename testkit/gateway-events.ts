/**
 * Events as AWS really delivers them, built from captured ones (testkit/fixtures/captured/, each with
 * its source): API Gateway HTTP API payload 2.0 requests, and DynamoDB stream batches. Shared by the
 * bundle test layer and the cold-start benchmark, which both call the deployed bundles with them.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeKey, type Route } from '../functions/routes.ts';
import { ROOT } from './esbuild.ts';

const captured = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(ROOT, 'testkit/fixtures/captured', name), 'utf8')) as Record<string, unknown>;
const JWT_TEMPLATE = captured('http-api-jwt.json');
const PUBLIC_TEMPLATE = captured('http-api-public.json');
const STREAM_TEMPLATE = captured('dynamodb-stream.json') as { Records: Record<string, unknown>[] };

/** Media types API Gateway passes as text; every other body arrives base64-encoded. */
const TEXT_MEDIA = /^(text\/[^;]*|application\/(json|xml|javascript))\s*(;.*)?$/i;

export interface GatewayRequest {
  readonly route: Route;
  /** The path as the client sent it (percent-encoded where it must be). */
  readonly path: string;
  /** Query pairs in order; a name may repeat. */
  readonly query?: readonly (readonly [string, string])[];
  /** Header names as the client wrote them; API Gateway lowercases them. */
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** The token's claims, which API Gateway passes as strings; undefined on a public route. */
  readonly claims?: Record<string, string | number | readonly string[]>;
  /** The token's scopes as API Gateway lists them (null when the token has none). */
  readonly scopes?: readonly string[] | null;
  /** API Gateway sets it on some body-less requests too; the handler must not trip on it. */
  readonly base64WithoutBody?: boolean;
}

/** Path parameters as API Gateway extracts them: percent-decoded segments. */
function pathParameters(route: Route, path: string): Record<string, string> | undefined {
  if (route.path === '$default') return undefined;
  const names = route.path.split('/');
  const values = path.split('/');
  const found = names.flatMap((segment, i) =>
    /^\{\w+\}$/.test(segment) ? [[segment.slice(1, -1), decodeURIComponent(values[i] ?? '')] as const] : [],
  );
  return found.length ? Object.fromEntries(found) : undefined;
}

/** A claim value as API Gateway's JWT authorizer passes it: a string, a list as "[a b]". */
const claimText = (value: string | number | readonly string[]): string =>
  Array.isArray(value) ? `[${value.join(' ')}]` : String(value);

export function gatewayEvent(request: GatewayRequest): Record<string, unknown> {
  const template = structuredClone(request.claims ? JWT_TEMPLATE : PUBLIC_TEMPLATE) as {
    headers: Record<string, string>;
    requestContext: Record<string, unknown> & { http: Record<string, unknown> };
  } & Record<string, unknown>;
  const key = routeKey(request.route);
  const method = request.route.method === 'ANY' ? 'GET' : request.route.method;
  const headers: Record<string, string> = { ...template.headers };
  delete headers['content-length'];
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  const query = request.query ?? [];
  const rawQueryString = query.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&');
  const joined: Record<string, string> = {};
  for (const [name, value] of query) joined[name] = name in joined ? `${joined[name]},${value}` : value;
  const event: Record<string, unknown> = {
    ...template,
    routeKey: key,
    rawPath: request.path,
    rawQueryString,
    headers,
    requestContext: {
      ...template.requestContext,
      routeKey: key,
      requestId: randomBytes(10).toString('base64').replace(/=+$/, '='),
      timeEpoch: Date.now(),
      http: { ...template.requestContext.http, method, path: request.path },
    },
    isBase64Encoded: Boolean(request.base64WithoutBody),
  };
  delete event.body;
  delete event.queryStringParameters;
  delete event.pathParameters;
  if (query.length) event.queryStringParameters = joined;
  const parameters = pathParameters(request.route, request.path);
  if (parameters) event.pathParameters = parameters;
  if (request.claims) {
    (event.requestContext as Record<string, unknown>).authorizer = {
      jwt: {
        claims: Object.fromEntries(Object.entries(request.claims).map(([n, v]) => [n, claimText(v)])),
        scopes: request.scopes === undefined || request.scopes === null ? null : [...request.scopes],
      },
    };
  }
  if (request.body !== undefined) {
    const bytes = Buffer.from(request.body);
    headers['content-length'] = String(bytes.length);
    const text = TEXT_MEDIA.test(headers['content-type'] ?? '');
    event.body = text ? request.body : bytes.toString('base64');
    event.isBase64Encoded = !text;
  }
  return event;
}

/** The claims of an access token granted `projects` with `scopes`, as strings like API Gateway's. */
export function tokenClaims(options: {
  subject?: string;
  projects: readonly string[];
  scopes?: readonly string[];
}): Record<string, string | number | readonly string[]> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: options.subject ?? 'd2f50444-0041-7036-aea2-a955fca33d37',
    iss: 'https://issuer.example.com/',
    aud: 'resource-connections-api',
    iat: now,
    exp: now + 3600,
    projects: options.projects.join(' '),
    ...(options.scopes ? { scope: options.scopes.join(' ') } : {}),
  };
}

/** A DynamoDB stream record as Lambda delivers it, from one read off a stream (SDK shape). */
export interface StreamRecordLike {
  readonly eventID?: string;
  readonly eventName?: string;
  readonly dynamodb?: object & { ApproximateCreationDateTime?: Date | number };
}

/** A stream batch event as Lambda's event source mapping hands it to the function. */
export function streamEvent(records: readonly StreamRecordLike[], streamArn: string): Record<string, unknown> {
  const template = STREAM_TEMPLATE.Records[0]!;
  return {
    Records: records.map((record) => {
      const created = record.dynamodb?.ApproximateCreationDateTime;
      return {
        ...template,
        eventID: record.eventID,
        eventName: record.eventName,
        eventVersion: '1.1',
        awsRegion: 'eu-west-1',
        eventSourceARN: streamArn,
        dynamodb: {
          ...record.dynamodb,
          ...(created === undefined
            ? {}
            : { ApproximateCreationDateTime: created instanceof Date ? created.getTime() / 1000 : created }),
        },
      };
    }),
  };
}
