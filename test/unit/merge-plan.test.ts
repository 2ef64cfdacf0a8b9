/**
 * merge-plan.ts and key-space.ts, the pure half of paging: what a page does next for a given state
 * of its streams, by table, and the key arithmetic its guesses use, by property.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ESTIMATE_ALPHABET } from '#store/keys.ts';
import { endOf, keyAfter, keyAlong } from '#store/paging/key-space.ts';
import {
  BOUND_AIM,
  BOUNDED_SHARE_CAP,
  FILTERED_READ_FACTOR,
  FIRST_ROUND_FRACTION,
  GUESSED_ROUNDS,
  mergedKeys,
  planStep,
  type PageView,
  type StreamView,
} from '#store/paging/merge-plan.ts';

/** A connection id whose last digits count `n` in its alphabet: ids n apart are evenly spaced. */
const id = (n: number) =>
  `01J${[...n.toString(32).padStart(8, '0')].map((c) => ESTIMATE_ALPHABET[parseInt(c, 32)]).join('')}`;
const stream = (over: Partial<StreamView> = {}): StreamView => ({
  frontier: null,
  done: false,
  kept: [],
  filtered: false,
  ...over,
});
const view = (over: Partial<PageView>): PageView => ({
  after: null,
  prefix: '',
  limit: 10,
  streams: [stream()],
  budget: 1000,
  round: 0,
  ...over,
});
const keysOf = (...ns: number[]) => ns.map(id);

describe('planStep, by table', () => {
  it.each<[string, PageView, ReturnType<typeof planStep>]>([
    [
      'one stream reads what the page needs, no more',
      view({ limit: 10 }),
      { kind: 'read', reads: [{ stream: 0, limit: 10 }] },
    ],
    [
      'one filtered stream reads a few times that',
      view({ limit: 10, streams: [stream({ filtered: true })] }),
      { kind: 'read', reads: [{ stream: 0, limit: 10 * FILTERED_READ_FACTOR }] },
    ],
    [
      'two streams with no guess each read the whole page: one round settles it',
      view({ limit: 10, streams: [stream(), stream()] }),
      {
        kind: 'read',
        reads: [
          { stream: 0, limit: 10 },
          { stream: 1, limit: 10 },
        ],
      },
    ],
    [
      'many streams with no guess each read a part of their share',
      view({ limit: 40, streams: [stream(), stream(), stream(), stream()] }),
      {
        kind: 'read',
        reads: [0, 1, 2, 3].map((s) => ({ stream: s, limit: Math.floor((40 * FIRST_ROUND_FRACTION) / 4) })),
      },
    ],
    [
      'a page answers its limit once every open stream is read past its limit-th key',
      view({
        limit: 3,
        streams: [stream({ frontier: id(9), kept: keysOf(1, 4, 9) }), stream({ frontier: id(8), kept: keysOf(2, 8) })],
      }),
      { kind: 'answer', count: 3, position: id(4) },
    ],
    [
      'a used-up stream proves nothing is left in it: the rest answers, and the listing ends',
      view({
        limit: 10,
        streams: [stream({ done: true, frontier: id(5), kept: keysOf(1, 5) }), stream({ done: true, kept: keysOf(3) })],
      }),
      { kind: 'answer', count: 3, position: null },
    ],
    [
      'once the streams have shown limit keys, the last round reads every stream behind up to the limit-th',
      view({
        limit: 3,
        round: 1,
        streams: [stream({ frontier: id(3), kept: keysOf(1, 2, 3) }), stream({ frontier: id(1), kept: [] })],
      }),
      // One key (1) is proven; the page needs two more, all at or below the third key.
      { kind: 'read', reads: [{ stream: 1, limit: 2, upper: id(3) }] },
    ],
    [
      'a spent budget answers what is proven, and resumes after the proven key',
      view({
        limit: 10,
        budget: 1,
        round: 1,
        streams: [stream({ frontier: id(6), kept: keysOf(2) }), stream({ frontier: id(4), kept: keysOf(3) })],
      }),
      { kind: 'answer', count: 2, position: id(4) },
    ],
  ])('%s', (_, given, expected) => {
    expect(planStep(given)).toEqual(expected);
  });

  it("guesses a bound from the last page's span: as far again as that page went, a little more", () => {
    const step = planStep(
      view({
        after: id(100),
        limit: 10,
        span: { from: id(91), rows: 10 },
        streams: [stream(), stream(), stream()],
      }),
    );

    expect(step.kind).toBe('read');
    const reads = step.kind === 'read' ? step.reads : [];
    expect(reads.map((r) => r.stream)).toEqual([0, 1, 2]);
    const upper = reads[0]!.upper!;
    // Ten rows spanned 91-100; the next ten (and a tenth more) end near 111.
    expect(upper > id(109) && upper < id(113)).toBe(true);
    for (const read of reads) {
      expect(read.upper).toBe(upper);
      expect(read.limit).toBe(Math.min(10, Math.ceil((10 * BOUNDED_SHARE_CAP) / 3) + 1));
    }
  });

  it(`guesses no more than ${GUESSED_ROUNDS} rounds of a page: then the keys read settle it`, () => {
    const streams = [stream({ frontier: id(50), kept: keysOf(45) }), stream({ frontier: id(40), kept: keysOf(35) })];
    const guessed = planStep(view({ after: id(30), limit: 10, round: 0, streams }));
    const late = planStep(view({ after: id(30), limit: 10, round: GUESSED_ROUNDS, streams }));

    expect(guessed.kind === 'read' && guessed.reads.every((r) => r.upper !== undefined)).toBe(true);
    expect(late.kind === 'read' && late.reads.every((r) => r.upper === undefined)).toBe(true);
  });
});

describe('planStep, by property', () => {
  const state = fc
    .tuple(
      fc.array(
        fc.record({
          keys: fc.uniqueArray(fc.integer({ min: 1, max: 400 }), { maxLength: 30 }),
          readTo: fc.integer({ min: 0, max: 400 }),
          done: fc.boolean(),
        }),
        { minLength: 1, maxLength: 8 },
      ),
      fc.integer({ min: 1, max: 50 }),
      fc.nat(4),
    )
    .map(([streams, limit, round]) =>
      view({
        limit,
        round,
        streams: streams.map(({ keys, readTo, done }) => {
          const kept = keys
            .filter((k) => k <= readTo)
            .sort((a, b) => a - b)
            .map(id);
          return stream({ frontier: readTo === 0 ? null : id(readTo), kept, done });
        }),
      }),
    );

  it('answers only keys no open stream can still undercut, at most the limit, in key order', () => {
    fc.assert(
      fc.property(state, (given) => {
        const step = planStep(given);
        if (step.kind !== 'answer') return;
        const open = given.streams.filter((s) => !s.done);
        const answered = mergedKeys(given.streams).slice(0, step.count);

        expect(step.count).toBeLessThanOrEqual(given.limit);
        for (const key of answered) for (const s of open) expect(s.frontier !== null && key <= s.frontier).toBe(true);
        if (step.position !== null && step.count > 0) expect(step.position >= answered.at(-1)!).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('reads only open streams, each past where it stands, within the budget', () => {
    fc.assert(
      fc.property(state, (given) => {
        const step = planStep(given);
        if (step.kind !== 'read') return;

        expect(step.reads.length).toBeGreaterThan(0);
        expect(step.reads.reduce((sum, r) => sum + r.limit, 0)).toBeLessThanOrEqual(given.budget);
        for (const read of step.reads) {
          const s = given.streams[read.stream]!;
          expect(s.done).toBe(false);
          expect(read.limit).toBeGreaterThanOrEqual(1);
          if (read.upper !== undefined && s.frontier !== null) expect(read.upper > s.frontier).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('key-space', () => {
  const ulid = fc.string({ unit: fc.constantFrom(...ESTIMATE_ALPHABET), minLength: 26, maxLength: 26 });

  it('finds a key between two keys for a fraction between 0 and 1, and past the higher one beyond 1', () => {
    fc.assert(
      fc.property(ulid, ulid, fc.double({ min: 0.05, max: 0.95, noNaN: true }), (a, b, fraction) => {
        fc.pre(a !== b);
        const [low, high] = a < b ? [a, b] : [b, a];

        const between = keyAlong(low, high, fraction);
        const beyond = keyAlong(low, high, 2 + fraction);

        expect(between >= low && between <= high).toBe(true);
        expect(beyond >= high).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('reads ids made at even times as evenly spaced: the key halfway is made about halfway', () => {
    const at = (ms: number) => `${ms.toString(32).toUpperCase().padStart(10, '0')}0000000000000000`;
    const toAlphabet = (text: string) =>
      [...text].map((c) => ESTIMATE_ALPHABET['0123456789ABCDEFGHIJKLMNOPQRSTUV'.indexOf(c)]).join('');
    const start = 1_780_000_000_000;
    const low = toAlphabet(at(start));
    const high = toAlphabet(at(start + 100_000));

    const middle = keyAlong(low, high, 0.5);
    expect(middle > toAlphabet(at(start + 49_000)) && middle < toAlphabet(at(start + 51_000))).toBe(true);
  });

  it('reaches a little past the shared prefix, never past the fixed one, and keys after keys', () => {
    // Two digits of headroom: past '01J0'…'01J1', a guess may reach into '02…', not past 'app#'.
    expect(keyAlong('app#01J0', 'app#01J1', 100) > 'app#01K').toBe(true);
    expect(keyAlong('app#01J0', 'app#01J1', 1e30, 'app#')).toBe(endOf('app#0'));
    expect(keyAlong('app#01J0', 'app#01J1', 1e30, 'app#01')).toBe(endOf('app#01'));
    expect(endOf('app#') > 'app#zzzz').toBe(true);
    fc.assert(
      fc.property(ulid, (key) => {
        expect(keyAfter(key) > key && keyAfter(key) < `${key}0`).toBe(true);
      }),
    );
  });

  it('aims a bounded round a little past the page', () => {
    expect(BOUND_AIM).toBeGreaterThan(1);
  });
});
