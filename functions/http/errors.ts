/**
 * Every answer that is not a success is one of these classes. Handlers and the shared module throw
 * them; one middleware (see http.ts) turns them into RFC 9457 problem+json. Anything else that is
 * thrown is a bug and becomes a 500 that reveals nothing.
 */
import type { ResourceType, Status } from '../domain/rules.ts';

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

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

export class ValidationError extends ProblemError {
  constructor(readonly errors: readonly FieldError[]) {
    const summary = errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ');
    super(400, 'VALIDATION_FAILED', 'Bad Request', `The request is not valid: ${summary}`, { errors });
  }
}

export class InvalidJsonError extends ProblemError {
  constructor() {
    super(400, 'INVALID_JSON', 'Bad Request', 'The request body is not valid JSON.');
  }
}

export class InvalidNextTokenError extends ProblemError {
  constructor() {
    super(
      400,
      'INVALID_NEXT_TOKEN',
      'Bad Request',
      'nextToken is not valid here: pass it unchanged, with the same path and filters as the request that returned it.',
    );
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

export class NotFoundError extends ProblemError {
  constructor(detail = 'No such resource here.') {
    super(404, 'NOT_FOUND', 'Not Found', detail);
  }
}

export class DuplicateConnectionError extends ProblemError {
  constructor(existingConnectionId: string) {
    super(409, 'DUPLICATE_CONNECTION', 'Conflict', 'A live connection already links this source to this target.', {
      existingConnectionId,
    });
  }
}

export class InvalidStatusTransitionError extends ProblemError {
  constructor(from: Status, to: Status, allowed: readonly Status[]) {
    super(
      409,
      'INVALID_STATUS_TRANSITION',
      'Conflict',
      `A connection cannot move from '${from}' to '${to}'; from '${from}' it may move to: ${allowed.join(', ')}.`,
      { from, to, allowed },
    );
  }
}

export class ConnectionNotDeletedError extends ProblemError {
  constructor() {
    super(409, 'CONNECTION_NOT_DELETED', 'Conflict', 'The connection is not deleted.');
  }
}

export class PreconditionFailedError extends ProblemError {
  constructor(currentVersion: number) {
    super(
      412,
      'PRECONDITION_FAILED',
      'Precondition Failed',
      'If-Match does not match the current version of the connection; read it again and retry.',
      { currentVersion },
    );
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

export class ConnectionNotAllowedError extends ProblemError {
  constructor(source: ResourceType, target: ResourceType, allowedTargets: readonly ResourceType[]) {
    const allowed = allowedTargets.length ? allowedTargets.join(', ') : 'nothing';
    super(
      422,
      'CONNECTION_NOT_ALLOWED',
      'Unprocessable Content',
      `A ${source} cannot connect to a ${target}; a ${source} may connect to: ${allowed}.`,
      { allowedTargets },
    );
  }
}

export class IdempotencyKeyReusedError extends ProblemError {
  constructor() {
    super(
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'Unprocessable Content',
      'This Idempotency-Key was used with a different request body in the last 24 hours; use a new key.',
    );
  }
}

export class ServiceUnavailableError extends ProblemError {
  constructor(retryAfterSeconds: number) {
    super(
      503,
      'SERVICE_UNAVAILABLE',
      'Service Unavailable',
      'The service cannot reach its database right now; retry later.',
      {},
      { 'retry-after': String(retryAfterSeconds) },
    );
  }
}
