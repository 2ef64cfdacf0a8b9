/**
 * Every answer that is not a success is a ProblemError: the edge's own refusals (401, 403, 413, 415,
 * malformed JSON) are thrown as such, and the domain's refusals (model/errors.ts) become one here,
 * each code with its status. One middleware (see http.ts) turns them into RFC 9457 problem+json.
 * Anything else that is thrown is a bug and becomes a 500 that reveals nothing.
 */
import { DomainError, ServiceUnavailableError, type DomainErrorCode } from '#model/errors.ts';

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    /** Extra members of the problem document, such as `existingConnectionId`. */
    readonly extensions: Readonly<Record<string, unknown>> = {},
    /** Extra response headers, such as `Retry-After`. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class InvalidJsonError extends ProblemError {
  constructor() {
    super(400, 'INVALID_JSON', 'Bad Request', 'The request body is not valid JSON.');
  }
}

export class UnauthenticatedError extends ProblemError {
  constructor(detail = 'A valid bearer token is required.') {
    super(401, 'UNAUTHENTICATED', 'Unauthorized', detail, {}, { 'www-authenticate': 'Bearer' });
  }
}

export class ForbiddenError extends ProblemError {
  constructor(detail: string) {
    super(403, 'FORBIDDEN', 'Forbidden', detail);
  }
}

export class PayloadTooLargeError extends ProblemError {
  constructor(limitBytes: number) {
    super(413, 'PAYLOAD_TOO_LARGE', 'Content Too Large', `The request body is over ${limitBytes} bytes.`);
  }
}

export class UnsupportedMediaTypeError extends ProblemError {
  constructor(accepted: readonly string[]) {
    super(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Unsupported Media Type',
      `The request body must be sent as ${accepted.join(' or ')}.`,
      { accepted },
    );
  }
}

/** The status and title of each domain refusal: a code without one is a type error. */
const STATUS_OF: Record<DomainErrorCode, readonly [number, string]> = {
  VALIDATION_FAILED: [400, 'Bad Request'],
  INVALID_NEXT_TOKEN: [400, 'Bad Request'],
  NOT_FOUND: [404, 'Not Found'],
  DUPLICATE_CONNECTION: [409, 'Conflict'],
  INVALID_STATUS_TRANSITION: [409, 'Conflict'],
  CONNECTION_NOT_DELETED: [409, 'Conflict'],
  PRECONDITION_FAILED: [412, 'Precondition Failed'],
  CONNECTION_NOT_ALLOWED: [422, 'Unprocessable Content'],
  IDEMPOTENCY_KEY_REUSED: [422, 'Unprocessable Content'],
  SERVICE_UNAVAILABLE: [503, 'Service Unavailable'],
};

/** The problem of a refusal: a ProblemError as it is, a domain error with its code's status; undefined for anything else. */
export function problemOf(error: unknown): ProblemError | undefined {
  if (error instanceof ProblemError) return error;
  if (!(error instanceof DomainError)) return undefined;
  const [status, title] = STATUS_OF[error.code];
  const headers =
    error instanceof ServiceUnavailableError ? { 'retry-after': String(error.retryAfterSeconds) } : undefined;
  return new ProblemError(status, error.code, title, error.message, error.extensions, headers);
}
