/** ETags are the connection's version; If-Match names the versions a write may apply to. */
import type { VersionPrecondition } from '#domain/decisions.ts';

export const etag = (version: number): string => `"${version}"`;

/**
 * `"3"`, `W/"3"`, a comma-separated list of them, or `*`. Anything else (`3`, `"03"`, `"3`) is
 * no entity tag of ours and simply never matches (412), as RFC 9110 has it.
 */
export function parseIfMatch(header: string | undefined): VersionPrecondition {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return '*';
  return header
    .split(',')
    .map((tag) => /^\s*(?:W\/)?"([1-9]\d{0,14})"\s*$/.exec(tag)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
}
