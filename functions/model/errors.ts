/**
 * The refusals of the service's own rules, as domain errors: each is named by the `code` callers
 * see and carries the members its problem adds, and none knows HTTP. The HTTP edge gives each code
 * its status in one place (http/errors.ts `problemOf`).
 */
import type { ResourceType, Status } from './vocabulary.ts';

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export type DomainErrorCode =
  | 'VALIDATION_FAILED'
  | 'INVALID_NEXT_TOKEN'
  | 'NOT_FOUND'
  | 'DUPLICATE_CONNECTION'
  | 'INVALID_STATUS_TRANSITION'
  | 'CONNECTION_NOT_DELETED'
  | 'PRECONDITION_FAILED'
  | 'CONNECTION_NOT_ALLOWED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'SERVICE_UNAVAILABLE';

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;

  constructor(
    detail: string,
    /** Members the problem document adds, such as `existingConnectionId`. */
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  readonly code = 'VALIDATION_FAILED' as const;

  constructor(readonly errors: readonly FieldError[]) {
    const summary = errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ');
    super(`The request is not valid: ${summary}`, { errors });
  }
}

export class InvalidNextTokenError extends DomainError {
  readonly code = 'INVALID_NEXT_TOKEN' as const;

  constructor() {
    super(
      'nextToken is not valid here: pass it unchanged, with the same path and filters as the request that returned it.',
    );
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND' as const;

  constructor(detail = 'No such resource here.') {
    super(detail);
  }
}

export class DuplicateConnectionError extends DomainError {
  readonly code = 'DUPLICATE_CONNECTION' as const;

  constructor(readonly existingConnectionId: string) {
    super('A live connection already links this source to this target.', { existingConnectionId });
  }
}

export class InvalidStatusTransitionError extends DomainError {
  readonly code = 'INVALID_STATUS_TRANSITION' as const;

  constructor(from: Status, to: Status, allowed: readonly Status[]) {
    super(`A connection cannot move from '${from}' to '${to}'; from '${from}' it may move to: ${allowed.join(', ')}.`, {
      from,
      to,
      allowed,
    });
  }
}

export class ConnectionNotDeletedError extends DomainError {
  readonly code = 'CONNECTION_NOT_DELETED' as const;

  constructor() {
    super('The connection is not deleted.');
  }
}

export class PreconditionFailedError extends DomainError {
  readonly code = 'PRECONDITION_FAILED' as const;

  constructor(currentVersion: number) {
    super('If-Match does not match the current version of the connection; read it again and retry.', {
      currentVersion,
    });
  }
}

/** "an instance", "a database": the type names as a sentence says them. */
const article = (type: string): string => `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;

export class ConnectionNotAllowedError extends DomainError {
  readonly code = 'CONNECTION_NOT_ALLOWED' as const;

  constructor(source: ResourceType, target: ResourceType, allowedTargets: readonly ResourceType[]) {
    const allowed = allowedTargets.length ? allowedTargets.join(', ') : 'nothing';
    const subject = article(source);
    super(
      `${subject[0]!.toUpperCase()}${subject.slice(1)} cannot connect to ${article(target)}; ${subject} may connect to: ${allowed}.`,
      { allowedTargets },
    );
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED' as const;

  constructor() {
    super('This Idempotency-Key was used with a different request body in the last 24 hours; use a new key.');
  }
}

/** The database is unreachable or throttling after the retries: the caller should come back later. */
export class ServiceUnavailableError extends DomainError {
  readonly code = 'SERVICE_UNAVAILABLE' as const;

  /** @param retryAfterSeconds @default 1-3 s at random, so callers turned away together come back apart */
  constructor(readonly retryAfterSeconds: number = 1 + Math.floor(Math.random() * 3)) {
    super('The service cannot reach its database right now; retry later.');
  }
}
