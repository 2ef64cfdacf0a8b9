/**
 * The HTTP edge every handler shares: a middy pipeline of small named middlewares that turn an API
 * Gateway payload 2.0 event into validated input, and any thrown error into problem+json.
 * Handlers hold only their one call into the repository.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { RouteId } from '../routes.ts';
import type { Route } from '../route-table/shape.ts';
import { authorize, principalFrom, type AccessScope, type Principal } from './auth.ts';
import { isDatabaseUnavailable, isThrottled } from '#store/database-errors.ts';
import { ENDPOINTS, type EndpointSpec } from './endpoints.ts';
import { problemOf, ProblemError } from './errors.ts';
import { ServiceUnavailableError, ValidationError, type FieldError } from '#model/errors.ts';
import type { Scope } from '#model/vocabulary.ts';
import { countProblem, flushMetrics, logger } from './observability.ts';
import { readJsonBody } from './request-body.ts';
import { parse } from './validation.ts';

export type GatewayEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type GatewayResult = APIGatewayProxyStructuredResultV2;

export interface Input<P, Q, B> {
  readonly path: P;
  readonly query: Q;
  readonly body: B;
  readonly principal: Principal;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

interface ApiContext extends Context {
  input: { path?: unknown; query?: unknown; body?: unknown; principal?: Principal };
}
type Middleware = middy.MiddlewareObj<GatewayEvent, GatewayResult, Error, ApiContext>;

type Parsed<T> = T extends z.ZodMiniType ? z.output<T> : undefined;
type InputOf<Id extends RouteId> = Input<
  Parsed<(typeof ENDPOINTS)[Id]['path']>,
  (typeof ENDPOINTS)[Id] extends { query: infer Q } ? Parsed<Q> : undefined,
  (typeof ENDPOINTS)[Id] extends { body: { schema: infer S } } ? Parsed<S> : undefined
>;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): GatewayResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export const noContent = (): GatewayResult => ({ statusCode: 204, headers: { 'cache-control': 'no-store' } });

/**
 * Builds a route's Lambda handler: the shared middlewares, then `run` with validated input. Given
 * the route's own entry (`routes.createConnection`), not looked up by id: the bundle then carries
 * that one entry of the route table.
 */
export function endpoint<Id extends RouteId>(
  route: Route & { readonly id: Id },
  /** `context`: the Lambda's, for the time left (a route that works to a budget stops inside it). */
  run: (input: InputOf<Id>, event: GatewayEvent, context: Context) => Promise<GatewayResult>,
) {
  const { id, scope } = route;
  const spec: EndpointSpec = ENDPOINTS[id];
  return middy<GatewayEvent, GatewayResult, Error, ApiContext>()
    .use(lowerCaseHeaders())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics())
    .use(requestLogKeys(id))
    .use(problemJson())
    .use(authenticate(scope !== null))
    .use(validatePath(spec.path))
    .use(authorizeScope(scope))
    .use(jsonBody(spec.body))
    .use(validateQuery(spec.query))
    .handler((event, context) => {
      const { path, query, body, principal } = context.input;
      return run({ path, query, body, principal, headers: event.headers ?? {} } as InputOf<Id>, event, context);
    });
}

/**
 * API Gateway lower-cases header names; sam local start-api and other emulators send them as the
 * client wrote them (`Content-Type`, `If-Match`). Everything after this reads lower-case names
 * only. Names that differ only in case are joined with commas, as API Gateway joins repeats.
 */
function lowerCaseHeaders(): Middleware {
  return {
    name: 'lowerCaseHeaders',
    before: (request) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.event.headers ?? {})) {
        if (value === undefined) continue;
        const lower = name.toLowerCase();
        const seen = Object.hasOwn(headers, lower) ? `${headers[lower]},` : '';
        Object.defineProperty(headers, lower, { value: seen + value, enumerable: true, writable: true });
      }
      request.event = { ...request.event, headers };
    },
  };
}

function publishMetrics(): Middleware {
  return { name: 'publishMetrics', after: flushMetrics, onError: flushMetrics };
}

function requestLogKeys(route: RouteId): Middleware {
  return {
    name: 'requestLogKeys',
    before: (request) => {
      logger.appendKeys({ route, requestId: request.event.requestContext?.requestId });
    },
  };
}

/** The error handler: registered before the others, so its onError runs after theirs and sees every failure. */
export function problemJson(): Middleware {
  return {
    name: 'problemJson',
    onError: (request) => {
      const problem = toProblemError(request.error);
      countProblem(problem.code);
      request.response = problemResponse(problem, request.event.requestContext?.requestId);
    },
  };
}

/** The problem+json answer of a problem (also what the local server answers before any function runs). */
export function problemResponse(problem: ProblemError, requestId: string | undefined): GatewayResult {
  return json(problem.status, problemDocument(problem, requestId), {
    ...problem.headers,
    'content-type': 'application/problem+json',
  });
}

/** The RFC 9457 document of a problem. */
export function problemDocument(problem: ProblemError, requestId: string | undefined): Record<string, unknown> {
  return {
    type: 'about:blank',
    title: problem.title,
    status: problem.status,
    code: problem.code,
    detail: problem.message,
    requestId,
    ...problem.extensions,
  };
}

function toProblemError(error: unknown): ProblemError {
  const refusal = problemOf(error);
  if (refusal) return refusal;
  if (isOutOfTime(error)) {
    // Named TimeoutError like the SDK's, but the work, not the database, overran: an error, alarmed.
    logger.error('the function ran out of time before it answered', error as Error);
    return problemOf(new ServiceUnavailableError())!;
  }
  if (isDatabaseUnavailable(error)) {
    logger.warn('database unavailable', error as Error);
    // Throttled callers come back at jittered times; an outage is given a steady 2 s.
    return problemOf(isThrottled(error) ? new ServiceUnavailableError() : new ServiceUnavailableError(2))!;
  }
  logger.error('unhandled error', error as Error);
  return new ProblemError(
    500,
    'INTERNAL',
    'Internal Server Error',
    'An unexpected error occurred; quote the requestId when reporting it.',
  );
}

/** What middy throws just before the function's timeout, in place of the handler's answer. */
const isOutOfTime = (error: unknown): boolean =>
  error instanceof Error &&
  error.name === 'TimeoutError' &&
  (error.cause as { package?: unknown } | undefined)?.package === '@middy/core';

function authenticate(required: boolean): Middleware {
  return {
    name: 'authenticate',
    before: (request) => {
      request.context.input = {};
      if (required)
        request.context.input.principal = principalFrom(request.event.requestContext?.authorizer?.jwt?.claims);
    },
  };
}

function validatePath(schema: z.ZodMiniType): Middleware {
  return {
    name: 'validatePath',
    before: (request) => {
      request.context.input.path = parse(schema, request.event.pathParameters ?? {});
    },
  };
}

function authorizeScope(scope: AccessScope | null): Middleware {
  return {
    name: 'authorize',
    before: (request) => {
      const { principal, path } = request.context.input;
      // Every route behind a token lives under /api/{projectSlug}/{environmentSlug}, validated above.
      if (scope !== null && principal !== undefined) authorize(principal, scope, path as Scope);
    },
  };
}

function jsonBody(body: EndpointSpec['body']): Middleware {
  return {
    name: 'jsonBody',
    before: (request) => {
      if (body === undefined || body.inHandler) return;
      request.context.input.body = readJsonBody(request.event, body);
    },
  };
}

/** A route without a query schema ignores its query string (the service routes: probes add cache-busters). */
function validateQuery(schema: z.ZodMiniType | undefined): Middleware {
  return {
    name: 'validateQuery',
    before: (request) => {
      if (schema !== undefined) request.context.input.query = parse(schema, queryOf(request.event));
    },
  };
}

/**
 * The raw query string is the truth: API Gateway joins repeated values with commas in
 * queryStringParameters, which would hide a repeated parameter.
 */
function queryOf(event: GatewayEvent): Record<string, string> {
  if (event.rawQueryString === undefined) return { ...(event.queryStringParameters ?? {}) } as Record<string, string>;
  const query: Record<string, string> = {};
  const repeated: FieldError[] = [];
  for (const [name, value] of new URLSearchParams(event.rawQueryString)) {
    if (Object.hasOwn(query, name)) repeated.push({ path: name, message: 'is given more than once' });
    Object.defineProperty(query, name, { value, enumerable: true, writable: true, configurable: true });
  }
  if (repeated.length) throw new ValidationError(repeated);
  return query;
}
