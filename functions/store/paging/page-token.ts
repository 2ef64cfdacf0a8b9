/**
 * Paging tokens: where a listing stands, sealed with AES-256-GCM. A token holds positions, never
 * data: the group of streams and the last key answered in it (listing.ts), and the span of the
 * page that made it (where it started and how many rows it answered: a guess for the next page's
 * reads, never a decision). The caller cannot read storage keys out of a token, and the additional
 * authenticated data binds it to one route, project, environment and set of filters: a token
 * altered, or used anywhere else, fails to open. And whatever a token holds, it only bounds the
 * Queries of the request's own partitions.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { InvalidNextTokenError } from '#model/errors.ts';
import type { Span } from './merge-plan.ts';

export interface PagePosition {
  /** The group of streams the listing is in (listing.ts). */
  readonly group: number;
  /** Every key of the group up to this one was answered; null: the group's start. */
  readonly after: string | null;
  readonly span?: Span | undefined;
}

// v3: positions only (v2 carried rows read ahead; such a token no longer opens).
const VERSION = 'v3';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** A sort key is a few hundred characters at most: a body longer than this is not a position. */
const MAX_BODY_BYTES = 4096;

/** Only the functions that page are given the secret (functions/routes.ts, `data.pageTokens`). */
function keyFrom(secret: string | undefined): Buffer {
  if (secret === undefined) throw new Error('PAGE_TOKEN_SECRET is not set: this function was not deployed to page');
  return createHash('sha256').update(`page-token:${secret}`).digest();
}

export function sealPageToken(position: PagePosition, binding: string, secret: string | undefined): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secret), iv);
  cipher.setAAD(Buffer.from(`${VERSION}|${binding}`));
  const body = Buffer.concat([cipher.update(JSON.stringify(position)), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** Opens a token for the given binding, or throws InvalidNextTokenError. */
export function openPageToken(token: string, binding: string, secret: string | undefined): PagePosition {
  const key = keyFrom(secret);
  const raw = Buffer.from(token, 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES + 2 || raw.length > IV_BYTES + TAG_BYTES + MAX_BODY_BYTES) {
    throw new InvalidNextTokenError();
  }
  if (raw.toString('base64url') !== token) throw new InvalidNextTokenError();
  let position: unknown;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(`${VERSION}|${binding}`));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    const body = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
    position = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidNextTokenError();
  }
  if (!isPosition(position)) throw new InvalidNextTokenError();
  return position;
}

const isKey = (value: unknown): value is string | null => value === null || typeof value === 'string';
const hasOnly = (value: object, names: readonly string[]): boolean =>
  Object.keys(value).every((k) => names.includes(k));

/** Exactly the shape this code writes: anything more (rows, say) is not a position. */
function isPosition(value: unknown): value is PagePosition {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const p = value as Record<string, unknown>;
  if (!hasOnly(p, ['group', 'after', 'span']) || !Number.isInteger(p.group) || (p.group as number) < 0) return false;
  if (!isKey(p.after)) return false;
  if (p.span === undefined) return true;
  const span = p.span as Record<string, unknown>;
  return (
    typeof span === 'object' &&
    span !== null &&
    hasOnly(span, ['from', 'rows']) &&
    isKey(span.from) &&
    Number.isInteger(span.rows) &&
    (span.rows as number) >= 0
  );
}
