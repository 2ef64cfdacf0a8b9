/**
 * Connection ids are ULIDs: 48 bits of milliseconds, then 80 random bits, in Crockford's base32,
 * so ids sort by creation time and lists by id come out oldest first. Made here rather than with
 * the `ulid` package, whose runtime detection and error classes cost every function's bundle
 * 1.6 KB: enough to take the data functions past their size budget (npm run bench).
 */
import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newConnectionId(now = Date.now()): string {
  let time = '';
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32]! + time;
  let random = '';
  // 256 is a multiple of 32, so the low five bits of a random byte are uniform.
  for (const byte of randomBytes(16)) random += CROCKFORD[byte & 31]!;
  return time + random;
}
