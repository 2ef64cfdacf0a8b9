/**
 * Paging tokens: the position of each query stream, sealed with AES-256-GCM. The caller cannot read
 * storage keys out of a token, and the additional authenticated data binds it to one project,
 * environment, route and set of filters: a token altered, or used anywhere else, fails to open.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { InvalidNextTokenError } from '#model/errors.ts';

export type StreamKey = Record<string, string>;
/** Per stream: where the next page starts (`null` at the stream's start), or `true` once it is used up. */
export type StreamPosition = StreamKey | null | true;

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const keyFrom = (secret: string): Buffer => createHash('sha256').update(`page-token:${secret}`).digest();

export function sealPageToken(positions: readonly StreamPosition[], binding: string, secret: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secret), iv);
  cipher.setAAD(Buffer.from(`${VERSION}|${binding}`));
  const body = Buffer.concat([cipher.update(JSON.stringify(positions)), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** Opens a token for the given binding and number of streams, or throws InvalidNextTokenError. */
export function openPageToken(token: string, binding: string, streams: number, secret: string): StreamPosition[] {
  const raw = Buffer.from(token, 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES + 2 || raw.toString('base64url') !== token) throw new InvalidNextTokenError();
  let positions: unknown;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFrom(secret), raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(`${VERSION}|${binding}`));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    const body = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
    positions = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidNextTokenError();
  }
  if (!Array.isArray(positions) || positions.length !== streams || !positions.every(isPosition)) {
    throw new InvalidNextTokenError();
  }
  return positions as StreamPosition[];
}

function isPosition(value: unknown): boolean {
  if (value === null || value === true) return true;
  return (
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value as object).every((v) => typeof v === 'string')
  );
}
