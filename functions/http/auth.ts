/**
 * Who is calling and what they may do, from the JWT claims API Gateway passes on (or the local
 * server, in the same shape). Decided from the claims alone, before any data is read.
 */
import { ForbiddenError, UnauthenticatedError } from './errors.ts';
import { SERVICE_SUBJECT_PREFIX, type Scope } from '#model/vocabulary.ts';

export type AccessScope = 'connections:read' | 'connections:write';

export interface Principal {
  readonly subject: string;
  readonly scopes: ReadonlySet<string>;
  /** `project/environment`, `project/*` or `*`. */
  readonly grants: readonly string[];
}

type Claims = Record<string, string | number | boolean | string[] | undefined>;

/**
 * API Gateway passes every claim as a string; a list claim arrives as "[a b]". Accept both that and
 * a real list, split on spaces or commas.
 */
function words(claim: Claims[string]): string[] {
  if (claim === undefined) return [];
  const text = Array.isArray(claim) ? claim.join(' ') : String(claim);
  return text
    .replace(/^\[(.*)\]$/s, '$1')
    .split(/[\s,]+/)
    .filter(Boolean);
}

export function principalFrom(claims: Claims | undefined): Principal {
  const subject = claims?.sub;
  if (claims === undefined || typeof subject !== 'string' || subject === '') {
    throw new UnauthenticatedError('The token names no subject (sub).');
  }
  return {
    subject,
    scopes: new Set([...words(claims.scope), ...words(claims.scp)]),
    grants: words(claims.projects),
  };
}

export function isGranted(grants: readonly string[], scope: Scope): boolean {
  return grants.some(
    (grant) =>
      grant === '*' || grant === `${scope.projectSlug}/*` || grant === `${scope.projectSlug}/${scope.environmentSlug}`,
  );
}

export function authorize(principal: Principal, needed: AccessScope, scope: Scope): void {
  // Recorded as createdBy, updatedBy and a history entry's actor: no caller may pass for the service.
  if (principal.subject.startsWith(SERVICE_SUBJECT_PREFIX)) {
    throw new ForbiddenError(`Subjects beginning with ${SERVICE_SUBJECT_PREFIX} belong to the service itself.`);
  }
  if (!principal.scopes.has(needed)) {
    throw new ForbiddenError(`The token lacks the scope ${needed}.`);
  }
  if (!isGranted(principal.grants, scope)) {
    throw new ForbiddenError(`The token is not granted ${scope.projectSlug}/${scope.environmentSlug}.`);
  }
}
