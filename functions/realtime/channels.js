/**
 * The channels changes are pushed on (docs/api.md, Watching changes), and who may subscribe to
 * which: one module for the publisher, the subscribe handler AppSync runs, the local server and the
 * clients, so a channel is named and authorized the same way everywhere.
 *
 * It runs in AppSync's APPSYNC_JS runtime too, so it is plain JavaScript without what that runtime
 * refuses: no regular expressions, try, throw, while, C-style for, `in`, `++` or classes (the
 * @aws-appsync ESLint rules check this file).
 *
 * One channel per environment: /connections/<project>/<environment>. AWS documents a channel path
 * of at most five segments and a namespace name of 1-50 letters, digits and inner hyphens; every
 * segment is held to that rule. A slug is up to 63 characters, so a slug longer than 50 is written
 * as two segments, its first 40 characters then `Z`, and `Z` then the rest: slugs are lowercase,
 * so a `Z` can only be this mark, and no two slugs share a channel.
 */

export const NAMESPACE = 'connections';
export const CHANNEL_PREFIX = '/connections';
/** The scope a subscriber's token needs, as for reading through the HTTP API. */
export const READ_SCOPE = 'connections:read';
/** The longest segment: the documented length of a namespace name. */
export const MAX_SEGMENT = 50;
const SPLIT_AT = 40;
const CONTINUED = 'Z';
const SLUG_CHARACTERS = 'abcdefghijklmnopqrstuvwxyz0123456789-';

/** Lowercase letters, digits and hyphens, `length` characters at most. */
function isSlugText(text, length) {
  if (typeof text !== 'string' || text.length < 1 || text.length > length) return false;
  return text.split('').every((c) => SLUG_CHARACTERS.indexOf(c) >= 0);
}

/** A project or environment slug: `^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`. */
export function isSlug(text) {
  return isSlugText(text, 63) && text.charAt(0) !== '-' && text.charAt(text.length - 1) !== '-';
}

/** The channel segments of a slug: itself, or two segments when it is longer than a segment may be. */
export function slugSegments(slug) {
  if (slug.length <= MAX_SEGMENT) return [slug];
  return [slug.slice(0, SPLIT_AT) + CONTINUED, CONTINUED + slug.slice(SPLIT_AT)];
}

/** The channel of one environment. */
export function channelOf(project, environment) {
  return [CHANNEL_PREFIX].concat(slugSegments(project), slugSegments(environment)).join('/');
}

/**
 * The slug written at segments[at] (and the next segment, for a long one): `{ slug, next }`; or,
 * when the first half of a long slug is followed by the wildcard, `{ prefix, next }` (next is the
 * wildcard's index); null when the segments are not a slug as channelOf writes it.
 */
function readSlug(segments, at) {
  const first = segments[at];
  if (typeof first !== 'string') return null;
  if (first.charAt(first.length - 1) !== CONTINUED) {
    return first.length <= MAX_SEGMENT && isSlug(first) ? { slug: first, next: at + 1 } : null;
  }
  const head = first.slice(0, first.length - 1);
  if (head.length !== SPLIT_AT || !isSlugText(head, SPLIT_AT) || head.charAt(0) === '-') return null;
  const second = segments[at + 1];
  if (second === '*') return { prefix: head, next: at + 1 };
  if (typeof second !== 'string' || second.charAt(0) !== CONTINUED) return null;
  const slug = head + second.slice(1);
  return slug.length > MAX_SEGMENT && isSlug(slug) ? { slug, next: at + 2 } : null;
}

/**
 * Every environment a channel path can match, from its segments (the namespace first, as AppSync
 * gives them): `{ all: true }`, `{ project }` (each of its environments), `{ project, environment }`,
 * or null when the path is not one of this service's channels. A path may end in the wildcard `*`,
 * which is read as matching everything below it, at any depth.
 */
export function channelScope(segments) {
  if (!Array.isArray(segments) || segments.length > 5 || segments[0] !== NAMESPACE) return null;
  const last = segments.length - 1;
  if (last === 1 && segments[1] === '*') return { all: true };
  const project = readSlug(segments, 1);
  if (project === null) return null;
  if (project.prefix !== undefined) return project.next === last ? { all: true } : null;
  if (project.next === last && segments[last] === '*') return { project: project.slug };
  const environment = readSlug(segments, project.next);
  if (environment === null) return null;
  if (environment.prefix !== undefined) return environment.next === last ? { project: project.slug } : null;
  return environment.next === last + 1 ? { project: project.slug, environment: environment.slug } : null;
}

/** The segments of a channel path, the namespace first. */
export function pathSegments(path) {
  return typeof path === 'string' && path.charAt(0) === '/' ? path.slice(1).split('/') : [];
}

/**
 * The words of a claim: space- or comma-separated, as a string, a list, or API Gateway's "[a b]".
 */
export function claimWords(claim) {
  if (claim === undefined || claim === null) return [];
  let text = (Array.isArray(claim) ? claim.join(' ') : `${claim}`).trim();
  if (text.charAt(0) === '[' && text.charAt(text.length - 1) === ']') text = text.slice(1, text.length - 1);
  return text
    .split(',')
    .join(' ')
    .split('\t')
    .join(' ')
    .split('\n')
    .join(' ')
    .split(' ')
    .filter((word) => word !== '');
}

/** Whether the grants (`project/environment`, `project/*` or `*`) cover everything `scope` can match. */
export function grantsCover(grants, scope) {
  return grants.some(
    (grant) =>
      grant === '*' ||
      (scope.project !== undefined && grant === `${scope.project}/*`) ||
      (scope.environment !== undefined && grant === `${scope.project}/${scope.environment}`),
  );
}

/**
 * Why a subscription to the channel is refused, or null when it is allowed: the token (its
 * verified claims, as AppSync's OIDC identity carries them) must name a subject that is not the
 * service's own (`system:`), have the read scope, and be granted every environment the channel path
 * can match.
 */
export function subscriptionRefusal(identity, segments) {
  const claims = identity !== null && typeof identity === 'object' ? identity.claims : undefined;
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) return 'the token carries no claims';
  const subjects = [identity.sub, claims.sub].filter((subject) => typeof subject === 'string' && subject !== '');
  if (subjects.length === 0) return 'the token names no subject (sub)';
  if (subjects.some((subject) => subject.startsWith('system:')))
    return 'subjects beginning with system: are the service';
  const scopes = claimWords(claims.scope).concat(claimWords(claims.scp));
  if (scopes.indexOf(READ_SCOPE) < 0) return `the token lacks the scope ${READ_SCOPE}`;
  const scope = channelScope(segments);
  if (scope === null)
    return `not a channel of this service: ${CHANNEL_PREFIX}/<project>/<environment>, or ending in /*`;
  if (!grantsCover(claimWords(claims.projects), scope)) {
    return 'the token is not granted every environment the channel can match';
  }
  return null;
}
