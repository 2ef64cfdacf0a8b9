/**
 * What the client refuses to send: requests that would go out malformed or changed. JSON has no
 * Infinity or NaN (`JSON.stringify` writes null for them), an empty id would name another route,
 * and a token with a line break cannot be an HTTP header (fetch's error would quote the token).
 */
import { InvalidRequestError } from './errors.ts';

/** The path of the first number in `value` that is not finite (`details.a.0`, as the API names fields). */
export function nonFinitePath(value: unknown, path: readonly string[] = []): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path.join('.');
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = nonFinitePath(item, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The body, unless it holds a number JSON cannot carry. */
export function finiteBody<T>(body: T): T {
  const path = nonFinitePath(body);
  if (path !== undefined) {
    throw new InvalidRequestError(`${path || 'the body'}: must be a finite number (JSON has no Infinity or NaN)`);
  }
  return body;
}

/** A path parameter, unless it is empty. */
export function segment(value: string, what: string): string {
  if (typeof value !== 'string' || value === '') throw new InvalidRequestError(`the ${what} is empty`);
  return value;
}

/** The base URL, unless it is not an http(s) URL. */
export function httpUrl(baseUrl: string): string {
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new InvalidRequestError(`'${baseUrl}' is not an http or https URL`);
  }
  return baseUrl.replace(/\/$/, '');
}

/**
 * The token as a header carries it: surrounding white space dropped (a token read from a file ends
 * with a line break), anything else that is not visible ASCII refused, without showing the token.
 */
export function bearerToken(token: string): string {
  const trimmed = token.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  if (!/^[\x21-\x7e]+$/.test(trimmed)) {
    throw new InvalidRequestError(
      'the token holds a line break, a space or another character an HTTP header cannot carry (not shown here)',
    );
  }
  return trimmed;
}
