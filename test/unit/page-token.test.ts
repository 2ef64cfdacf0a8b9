import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidNextTokenError } from '#model/errors.ts';
import { openPageToken, sealPageToken, type PagePositions, type StreamPosition } from '#store/page-token.ts';
import { problemOf } from '#http/errors.ts';

const SECRET = 'unit-test-page-secret';
const BINDING = JSON.stringify(['connections', 'acme', 'prod', [['status', 'pending']]]);
const STREAMS: StreamPosition[] = [
  { from: null, done: false, rows: [], share: -1 },
  {
    from: '01JD3Y6Q9K6V7Z5N8M2C4B1A0E!',
    done: false,
    rows: [{ id: '01JD3Y6Q9K6V7Z5N8M2C4B1A0F', gsi3sk: '01JD3Y6Q9K6V7Z5N8M2C4B1A0F', projectSlug: 'acme' }],
    share: 3,
  },
  { from: 'ENV#acme#prod#LIVE#pending', done: true, rows: [], share: 0 },
];
const POSITIONS: PagePositions = { streams: STREAMS, readAt: 1_780_000_000_000 };

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function expectInvalid(open: () => unknown): void {
  let thrown: unknown;
  try {
    open();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InvalidNextTokenError);
  expect(problemOf(thrown)?.status).toBe(400);
  expect((thrown as InvalidNextTokenError).code).toBe('INVALID_NEXT_TOKEN');
}

const positionArbitrary: fc.Arbitrary<StreamPosition> = fc.record({
  from: fc.option(fc.string({ maxLength: 60 }), { nil: null }),
  done: fc.boolean(),
  rows: fc.array(fc.dictionary(fc.constantFrom('id', 'gsi1sk', 'status', 'version'), fc.string({ maxLength: 30 })), {
    maxLength: 3,
  }),
  share: fc.integer({ min: -1, max: 100 }),
});

describe('page tokens', () => {
  it('open to the positions they were sealed with', () => {
    fc.assert(
      fc.property(fc.array(positionArbitrary, { minLength: 1, maxLength: 4 }), fc.string(), (streams, binding) => {
        // prepare
        const positions = { streams, readAt: 1_780_000_000_000 };
        const token = sealPageToken(positions, binding, SECRET);

        // act
        const opened = openPageToken(token, binding, streams.length, SECRET);

        // assess
        expect(opened).toEqual(positions);
      }),
    );
  });

  it('are URL-safe text', () => {
    const token = sealPageToken(POSITIONS, BINDING, SECRET);

    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(encodeURIComponent(token)).toBe(token);
  });

  it('do not show the storage keys they hold', () => {
    const token = sealPageToken(POSITIONS, BINDING, SECRET);
    const raw = Buffer.from(token, 'base64url').toString('latin1');

    for (const text of ['CONN#', 'acme', 'ENV#', 'gsi3sk', '01JD3Y6Q9K6V7Z5N8M2C4B1A0E']) {
      expect(token).not.toContain(text);
      expect(raw).not.toContain(text);
    }
  });

  it('differ each time the same positions are sealed', () => {
    expect(sealPageToken(POSITIONS, BINDING, SECRET)).not.toBe(sealPageToken(POSITIONS, BINDING, SECRET));
  });

  it('fail when any single character is changed', () => {
    const token = sealPageToken(POSITIONS, BINDING, SECRET);
    fc.assert(
      fc.property(
        fc.nat({ max: token.length - 1 }),
        fc.constantFrom(...BASE64URL, '=', '+', '/', '.', ' ', '%'),
        (position, replacement) => {
          fc.pre(token[position] !== replacement);
          const altered = token.slice(0, position) + replacement + token.slice(position + 1);

          expectInvalid(() => openPageToken(altered, BINDING, STREAMS.length, SECRET));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('fail at every position when that character is swapped for its neighbour in the alphabet', () => {
    // prepare: the smallest change there is, at each position in turn (including the last one,
    // whose low bits base64 decoding would otherwise ignore)
    const token = sealPageToken(POSITIONS, BINDING, SECRET);

    for (let i = 0; i < token.length; i++) {
      const next = BASE64URL[(BASE64URL.indexOf(token[i]!) + 1) % BASE64URL.length]!;
      const altered = token.slice(0, i) + next + token.slice(i + 1);

      // act / assess
      expectInvalid(() => openPageToken(altered, BINDING, STREAMS.length, SECRET));
    }
  });

  it('fail when characters are cut off, added or padded', () => {
    const token = sealPageToken(POSITIONS, BINDING, SECRET);

    for (const altered of [
      token.slice(0, -1),
      token.slice(1),
      `${token}A`,
      `A${token}`,
      `${token}=`,
      `${token}==`,
      ` ${token}`,
    ]) {
      expectInvalid(() => openPageToken(altered, BINDING, STREAMS.length, SECRET));
    }
  });

  it('fail under any other binding: another project, environment, route or filter', () => {
    const token = sealPageToken(POSITIONS, BINDING, SECRET);
    const others = [
      JSON.stringify(['connections', 'acme2', 'prod', [['status', 'pending']]]),
      JSON.stringify(['connections', 'acme', 'dev', [['status', 'pending']]]),
      JSON.stringify(['resource-connections', 'acme', 'prod', [['status', 'pending']]]),
      JSON.stringify(['connections', 'acme', 'prod', [['status', 'connected']]]),
      JSON.stringify(['connections', 'acme', 'prod', []]),
      '',
    ];

    for (const binding of others) expectInvalid(() => openPageToken(token, binding, STREAMS.length, SECRET));
  });

  it('fail under any binding but their own', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (mine, other) => {
        fc.pre(mine !== other);
        const token = sealPageToken(POSITIONS, mine, SECRET);

        expectInvalid(() => openPageToken(token, other, STREAMS.length, SECRET));
      }),
    );
  });

  it('fail when the request has another number of streams', () => {
    const token = sealPageToken(POSITIONS, BINDING, SECRET);

    for (const streams of [0, 1, 2, 4, 6]) expectInvalid(() => openPageToken(token, BINDING, streams, SECRET));
  });

  it('fail under another secret, as after a rotation', () => {
    const token = sealPageToken(POSITIONS, BINDING, SECRET);

    expectInvalid(() => openPageToken(token, BINDING, STREAMS.length, `${SECRET}-rotated`));
    expectInvalid(() => openPageToken(token, BINDING, STREAMS.length, ''));
  });

  it('fail when what they hold is not stream positions', () => {
    // prepare: validly sealed contents of the wrong shape
    const position = { from: null, done: false, rows: [], share: 1 };
    const shapes: unknown[] = [
      {},
      'x',
      [position],
      { streams: [position] },
      { streams: [1], readAt: 1 },
      { streams: [{ ...position, from: 1 }], readAt: 1 },
      { streams: [{ ...position, done: 'yes' }], readAt: 1 },
      { streams: [{ ...position, rows: [1] }], readAt: 1 },
      { streams: [{ ...position, rows: [[]] }], readAt: 1 },
      { streams: [{ ...position, share: 1.5 }], readAt: 1 },
      { streams: [position], readAt: 'now' },
    ];

    for (const shape of shapes) {
      const token = sealPageToken(shape as PagePositions, BINDING, SECRET);

      // act / assess
      expectInvalid(() => openPageToken(token, BINDING, 1, SECRET));
    }
  });

  it.each([
    '',
    'x',
    'null',
    'eyJ0eXAiOiJKV1QifQ',
    '%%%',
    'A'.repeat(4096),
    '🙂',
    '../../etc/passwd',
    'W3sicGsiOiJ4In1d',
  ])('refuses the garbage token %j', (garbage) => {
    expectInvalid(() => openPageToken(garbage, BINDING, 1, SECRET));
  });

  it('throw nothing but InvalidNextTokenError for arbitrary strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.string({ unit: 'binary', maxLength: 100 }),
          fc.base64String({ maxLength: 200 }),
          fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 30, maxLength: 200 }),
        ),
        fc.integer({ min: 1, max: 4 }),
        (garbage, streams) => {
          expectInvalid(() => openPageToken(garbage, BINDING, streams, SECRET));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
