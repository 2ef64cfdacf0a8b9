/**
 * Paging tokens: where each query stream stands, sealed with AES-256-GCM. The caller cannot read
 * storage keys out of a token, and the additional authenticated data binds it to one project,
 * environment, route and set of filters: a token altered, or used anywhere else, fails to open.
 * The body is deflated before sealing: a token holds a position per shard, and the rows a merged
 * list read ahead of its page (listing.ts), which repeat most of their text.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { InvalidNextTokenError } from '#model/errors.ts';

/** Per stream: the first sort key not read yet (null: the start), `done` once used up, rows read ahead. */
export interface StreamPosition {
  readonly from: string | null;
  readonly done: boolean;
  /** Rows read but not yet answered, in order: the next page answers them without reading them again. */
  readonly rows: readonly Record<string, unknown>[];
  /** How many rows the stream gave the page before: the next page's first guess of its share. */
  readonly share: number;
}

export interface PagePositions {
  readonly streams: readonly StreamPosition[];
  /** When the rows were read (ms): older ones are read again rather than answered stale. */
  readonly readAt: number;
}

const VERSION = 'v2';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** An inflated body larger than any token this code writes is an attack, not a position. */
const MAX_BODY_BYTES = 1 << 20;

/** Only the functions that page are given the secret (functions/routes.ts, `data.pageTokens`). */
function keyFrom(secret: string | undefined): Buffer {
  if (secret === undefined) throw new Error('PAGE_TOKEN_SECRET is not set: this function was not deployed to page');
  return createHash('sha256').update(`page-token:${secret}`).digest();
}

export function sealPageToken(positions: PagePositions, binding: string, secret: string | undefined): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secret), iv);
  cipher.setAAD(Buffer.from(`${VERSION}|${binding}`));
  const body = Buffer.concat([cipher.update(deflateRawSync(JSON.stringify(positions))), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** Opens a token for the given binding and number of streams, or throws InvalidNextTokenError. */
export function openPageToken(
  token: string,
  binding: string,
  streams: number,
  secret: string | undefined,
): PagePositions {
  const key = keyFrom(secret);
  const raw = Buffer.from(token, 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES + 2 || raw.toString('base64url') !== token) throw new InvalidNextTokenError();
  let positions: unknown;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(`${VERSION}|${binding}`));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    const body = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
    positions = JSON.parse(inflateRawSync(body, { maxOutputLength: MAX_BODY_BYTES }).toString('utf8'));
  } catch {
    throw new InvalidNextTokenError();
  }
  if (!isPositions(positions, streams)) throw new InvalidNextTokenError();
  return positions;
}

function isPositions(value: unknown, streams: number): value is PagePositions {
  const p = value as PagePositions;
  return (
    typeof p === 'object' &&
    p !== null &&
    Number.isFinite(p.readAt) &&
    Array.isArray(p.streams) &&
    p.streams.length === streams &&
    p.streams.every(
      (s) =>
        typeof s === 'object' &&
        s !== null &&
        (s.from === null || typeof s.from === 'string') &&
        typeof s.done === 'boolean' &&
        Number.isInteger(s.share) &&
        Array.isArray(s.rows) &&
        s.rows.every((row: unknown) => typeof row === 'object' && row !== null && !Array.isArray(row)),
    )
  );
}
