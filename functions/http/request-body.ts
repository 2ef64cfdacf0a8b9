/** Reading a JSON request body the way every route with a body does. */
import type { GatewayEvent } from './http.ts';
import { parse } from './validation.ts';
import { MAX_BODY_BYTES, type EndpointSpec } from './endpoints.ts';
import { InvalidJsonError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors.ts';
import { ValidationError } from '#model/errors.ts';

/** The body, checked in order: size (413), media type (415), JSON (400), schema (400). */
export function readJsonBody(event: GatewayEvent, body: NonNullable<EndpointSpec['body']>): unknown {
  const raw =
    event.body === undefined ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (raw.length > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
  const mediaType = (event.headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (raw.length === 0 && mediaType === '') {
    throw new ValidationError([{ path: '', message: 'a JSON body is required' }]);
  }
  if (!body.mediaTypes.includes(mediaType)) throw new UnsupportedMediaTypeError(body.mediaTypes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch {
    throw new InvalidJsonError();
  }
  if (hasProtoKey(parsed)) throw new ValidationError([{ path: '__proto__', message: 'is not an allowed key' }]);
  return parse(body.schema, parsed);
}

/**
 * A "__proto__" key cannot round-trip through JavaScript objects intact, so it is refused outright.
 * Walked with a stack, not recursion: a body may nest thousands of levels deep.
 */
function hasProtoKey(value: unknown): boolean {
  const pending = [value];
  while (pending.length) {
    const next = pending.pop();
    if (next === null || typeof next !== 'object') continue;
    if (Object.hasOwn(next, '__proto__')) return true;
    pending.push(...Object.values(next));
  }
  return false;
}
