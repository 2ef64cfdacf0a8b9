/**
 * Errors the client throws. A problem+json answer becomes an `ApiError` that carries every member of
 * the problem, so `e.code` discriminates the generated problem union: after
 * `if (isApiError(e, 'createConnection') && e.code === 'DUPLICATE_CONNECTION')` the compiler knows
 * `e.existingConnectionId`. Network failures and timeouts are not problems: they surface as the
 * `TypeError` / `DOMException` that `fetch` and `AbortSignal` throw.
 */
import type { components, operations } from './openapi.ts';

export type OperationId = keyof operations;
/** Every problem the service answers, discriminated by `code`. */
export type Problem = components['schemas']['Problem'];
export type ProblemCode = Problem['code'];

type Responses<O extends OperationId> = operations[O]['responses'];
type ProblemBody<R> = R extends { content: { 'application/problem+json': infer P extends Problem } } ? P : never;
/** The problems one operation can answer: the bodies of its declared problem+json responses. */
export type ProblemOf<O extends OperationId> = ProblemBody<Responses<O>[keyof Responses<O>]>;

/** An error answer of the API: the problem's members are the error's own. */
export class ApiErrorBase extends Error {
  override readonly name = 'ApiError';
  declare readonly type: string;
  declare readonly title: string;
  declare readonly status: number;
  declare readonly code: string;
  declare readonly detail: string;
  declare readonly requestId?: string;

  constructor(
    readonly problem: Problem,
    readonly operation: OperationId,
    /** The answer's headers (Retry-After, for instance). */
    readonly headers: Headers,
  ) {
    super(`${problem.status} ${problem.code}: ${problem.detail}`);
    Object.assign(this, problem);
  }
}

/** A union of one `ApiErrorBase & Variant` per problem variant, so narrowing on `code` works. */
export type ApiError<P extends Problem = Problem> = P extends unknown ? ApiErrorBase & P : never;

/** Whether `e` is an error answer of the API (of operation `operation`, when given, typed by its problems). */
export function isApiError(e: unknown): e is ApiError;
export function isApiError<O extends OperationId>(e: unknown, operation: O): e is ApiError<ProblemOf<O>>;
export function isApiError(e: unknown, operation?: OperationId): boolean {
  return e instanceof ApiErrorBase && (operation === undefined || e.operation === operation);
}

/** Whether `e` is an API error with this code (any operation), typed as that problem. */
export function hasProblemCode<C extends ProblemCode>(
  e: unknown,
  code: C,
): e is ApiError<Extract<Problem, { code: C }>> {
  return e instanceof ApiErrorBase && e.code === code;
}

/**
 * A request the client refused to send, because it would have gone out malformed or changed (see
 * checks.ts). Nothing was sent; the message names the field and never holds the token.
 */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
}

/**
 * A body that is not problem+json still becomes a problem. API Gateway answers a refused token
 * itself (401 or 403, `{ "message": "Unauthorized" }`): those keep their status and code, with its
 * message as the detail. Anything else (a proxy's HTML 502, say) is SERVICE_UNAVAILABLE or INTERNAL.
 */
export function toProblem(body: unknown, status: number): Problem {
  if (body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'string') return body as Problem;
  const message = body && typeof body === 'object' ? (body as { message?: unknown }).message : undefined;
  if (status === 401 || status === 403) {
    return {
      type: 'about:blank',
      title: status === 401 ? 'Unauthorized' : 'Forbidden',
      status,
      code: status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN',
      detail: typeof message === 'string' ? message : `The service answered HTTP ${status}.`,
    } as Problem;
  }
  const unavailable = status === 503 || status === 429 || status === 502 || status === 504;
  return {
    type: 'about:blank',
    title: unavailable ? 'Service Unavailable' : 'Unexpected Answer',
    status: unavailable ? 503 : 500,
    code: unavailable ? 'SERVICE_UNAVAILABLE' : 'INTERNAL',
    detail: `The service answered HTTP ${status} without a problem document.`,
  } as Problem;
}
