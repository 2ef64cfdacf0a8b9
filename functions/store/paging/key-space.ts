/**
 * Sort keys read as numbers, so that a page can guess where in its key range it will end (from how
 * many rows the keys it has seen span) and read every shard up to that bound: a bounded Query
 * examines nothing past its bound. A guess only costs reads when wrong (too far: rows read and left
 * for the next page; too near: one more round); it never decides what a page answers.
 *
 * Past the prefix two keys share, a key is read as DIGITS digits in the alphabet of connection
 * ids (keys.ts ESTIMATE_ALPHABET): the sort keys of lists and the graph end in a connection id, a
 * ULID, and ids made over time spread evenly over that alphabet, so equal spans of numbers hold
 * about as many keys. A character outside it counts as the nearest digit below it (the estimate
 * is coarser there, and only an estimate).
 */
import { ESTIMATE_ALPHABET, KEY_ALPHABET } from '../keys.ts';

const RADIX = ESTIMATE_ALPHABET.length;
/** Digits read past the shared prefix: RADIX^DIGITS stays below 2^53, where doubles count exactly. */
const DIGITS = Math.floor(53 / Math.log2(RADIX));
const SCALE = RADIX ** DIGITS;
/**
 * Digits of the shared prefix read as part of the number (where they are digits of an id), so that
 * a guess can reach past the keys it extends (32² = 1,024 times their distance) instead of
 * stopping where that prefix's range ends.
 */
const HEADROOM = 2;

/** The smallest key after `key`: no key character sorts below KEY_ALPHABET.below. */
export const keyAfter = (key: string): string => `${key}${KEY_ALPHABET.below}`;

/** A key after every key that starts with `prefix`. */
export const endOf = (prefix: string): string => `${prefix}${KEY_ALPHABET.above}`;

function sharedPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

/** A character's digit: its place in the alphabet, or the place of the nearest character below it (0 for none). */
function digitOf(char: string | undefined): number {
  if (char === undefined) return 0;
  let below = 0;
  while (below < RADIX && ESTIMATE_ALPHABET[below]! <= char) below++;
  return Math.max(0, below - 1);
}

/** The DIGITS digits of `key` after its first `from` characters, as one number. */
function valueOf(key: string, from: number): number {
  let value = 0;
  for (let i = from; i < from + DIGITS; i++) value = value * RADIX + digitOf(key[i]);
  return value;
}

/** `prefix` followed by the characters of `value`'s digits. */
function keyOf(prefix: string, value: number): string {
  let text = '';
  let rest = Math.floor(value);
  for (let i = 0; i < DIGITS; i++) {
    text = ESTIMATE_ALPHABET[rest % RADIX]! + text;
    rest = Math.floor(rest / RADIX);
  }
  return prefix + text;
}

/**
 * The key `fraction` of the way from `low` to `high` (`low` < `high`; a fraction over 1 reaches
 * past `high`), read over the prefix they share less HEADROOM digits, never less than `fixed` (a
 * stream's prefix, which every key of the range starts with). Past the end of the range read it
 * answers a key after every key starting with its prefix. A guess: it may answer a key at or below
 * `high` (a step below the last digit, or characters outside the alphabet), which the caller must
 * treat as no guess at all.
 */
export function keyAlong(low: string, high: string, fraction: number, fixed = ''): string {
  const shared = sharedPrefix(low, high);
  let length = shared.length;
  while (length > Math.max(fixed.length, shared.length - HEADROOM) && ESTIMATE_ALPHABET.includes(shared[length - 1]!)) {
    length--;
  }
  const prefix = shared.slice(0, length);
  const from = valueOf(low, prefix.length);
  const value = from + (valueOf(high, prefix.length) - from) * fraction;
  return value >= SCALE - 1 ? endOf(prefix) : keyOf(prefix, value);
}
