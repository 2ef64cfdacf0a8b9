import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidNextTokenError } from '#model/errors.ts';
import { openPageToken, sealPageToken, type PagePosition } from '#store/paging/page-token.ts';
import { problemOf } from '#http/errors.ts';

const SECRET = 'unit-test-page-secret';
const BINDING = JSON.stringify(['connections', 'acme', 'prod', [['status', 'pending']]]);
const POSITION: PagePosition = {
  group: 0,
  after: 'instance#i-0abc#01JD3Y6Q9K6V7Z5N8M2C4B1A0E',
  span: { from: 'instance#i-0abc#01JD3Y6Q9K6V7Z5N8M2C4B1A0A', rows: 50 },
};

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

const key = fc.option(fc.string({ maxLength: 300 }), { nil: null });
const positionArbitrary: fc.Arbitrary<PagePosition> = fc.record(
  {
    group: fc.nat(3),
    after: key,
    span: fc.record({ from: key, rows: fc.nat(1000) }),
  },
  { requiredKeys: ['group', 'after'] },
);

describe('page tokens', () => {
  it('open to the position they were sealed with', () => {
    fc.assert(
      fc.property(positionArbitrary, fc.string(), (position, binding) => {
        // prepare
        const token = sealPageToken(position, binding, SECRET);

        // act
        const opened = openPageToken(token, binding, SECRET);

        // assess
        expect(opened).toEqual(position);
      }),
    );
  });

  it('are URL-safe text', () => {
    const token = sealPageToken(POSITION, BINDING, SECRET);

    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(encodeURIComponent(token)).toBe(token);
  });

  it('do not show the storage keys they hold', () => {
    const token = sealPageToken(POSITION, BINDING, SECRET);
    const raw = Buffer.from(token, 'base64url').toString('latin1');

    for (const text of ['instance', 'i-0abc', '01JD3Y6Q9K6V7Z5N8M2C4B1A0E', 'after', 'span']) {
      expect(token).not.toContain(text);
      expect(raw).not.toContain(text);
    }
  });

  it('differ each time the same positions are sealed', () => {
    expect(sealPageToken(POSITION, BINDING, SECRET)).not.toBe(sealPageToken(POSITION, BINDING, SECRET));
  });

  it('fail when any single character is changed', () => {
    const token = sealPageToken(POSITION, BINDING, SECRET);
    fc.assert(
      fc.property(
        fc.nat({ max: token.length - 1 }),
        fc.constantFrom(...BASE64URL, '=', '+', '/', '.', ' ', '%'),
        (position, replacement) => {
          fc.pre(token[position] !== replacement);
          const altered = token.slice(0, position) + replacement + token.slice(position + 1);

          expectInvalid(() => openPageToken(altered, BINDING, SECRET));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('fail at every position when that character is swapped for its neighbour in the alphabet', () => {
    // prepare: the smallest change there is, at each position in turn (including the last one,
    // whose low bits base64 decoding would otherwise ignore)
    const token = sealPageToken(POSITION, BINDING, SECRET);

    for (let i = 0; i < token.length; i++) {
      const next = BASE64URL[(BASE64URL.indexOf(token[i]!) + 1) % BASE64URL.length]!;
      const altered = token.slice(0, i) + next + token.slice(i + 1);

      // act / assess
      expectInvalid(() => openPageToken(altered, BINDING, SECRET));
    }
  });

  it('fail when characters are cut off, added or padded', () => {
    const token = sealPageToken(POSITION, BINDING, SECRET);

    for (const altered of [
      token.slice(0, -1),
      token.slice(1),
      `${token}A`,
      `A${token}`,
      `${token}=`,
      `${token}==`,
      ` ${token}`,
    ]) {
      expectInvalid(() => openPageToken(altered, BINDING, SECRET));
    }
  });

  it('fail under any other binding: another project, environment, route or filter', () => {
    const token = sealPageToken(POSITION, BINDING, SECRET);
    const others = [
      JSON.stringify(['connections', 'acme2', 'prod', [['status', 'pending']]]),
      JSON.stringify(['connections', 'acme', 'dev', [['status', 'pending']]]),
      JSON.stringify(['resource-connections', 'acme', 'prod', [['status', 'pending']]]),
      JSON.stringify(['connections', 'acme', 'prod', [['status', 'connected']]]),
      JSON.stringify(['connections', 'acme', 'prod', []]),
      '',
    ];

    for (const binding of others) expectInvalid(() => openPageToken(token, binding, SECRET));
  });

  it('fail under any binding but their own', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (mine, other) => {
        fc.pre(mine !== other);
        const token = sealPageToken(POSITION, mine, SECRET);

        expectInvalid(() => openPageToken(token, other, SECRET));
      }),
    );
  });

  it('fail under another secret, as after a rotation', () => {
    const token = sealPageToken(POSITION, BINDING, SECRET);

    expectInvalid(() => openPageToken(token, BINDING, `${SECRET}-rotated`));
    expectInvalid(() => openPageToken(token, BINDING, ''));
  });

  it('fail when what they hold is not a position, rows carried from a read included', () => {
    // prepare: validly sealed contents of the wrong shape
    const shapes: unknown[] = [
      {},
      'x',
      [POSITION],
      { group: 0 },
      { group: -1, after: null },
      { group: 0.5, after: null },
      { group: '0', after: null },
      { group: 0, after: 1 },
      { group: 0, after: null, span: { from: null } },
      { group: 0, after: null, span: { from: null, rows: -1 } },
      { group: 0, after: null, span: { from: 2, rows: 1 } },
      { group: 0, after: null, span: { from: null, rows: 1, rows2: 1 } },
      // What tokens once carried: rows read ahead, with the scope written in them.
      { group: 0, after: null, rows: [{ id: 'x', projectSlug: 'acme', environmentSlug: 'prod' }] },
      { streams: [{ from: null, done: false, rows: [], share: 1 }], readAt: 1 },
    ];

    for (const shape of shapes) {
      const token = sealPageToken(shape as PagePosition, BINDING, SECRET);

      // act / assess
      expectInvalid(() => openPageToken(token, BINDING, SECRET));
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
    expectInvalid(() => openPageToken(garbage, BINDING, SECRET));
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
        (garbage) => {
          expectInvalid(() => openPageToken(garbage, BINDING, SECRET));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
