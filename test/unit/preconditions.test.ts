import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { etag, parseIfMatch } from '#http/preconditions.ts';

/** Whether a write on `version` goes ahead under this If-Match header. */
const allows = (header: string | undefined, version: number): boolean => {
  const precondition = parseIfMatch(header);
  return precondition === undefined || precondition === '*' || precondition.includes(version);
};

describe('etag', () => {
  it('is the version in double quotes', () => {
    expect(etag(1)).toBe('"1"');
    expect(etag(42)).toBe('"42"');
  });

  it('is read back by If-Match as the same version', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), (version) => {
        expect(parseIfMatch(etag(version))).toEqual([version]);
      }),
    );
  });
});

describe('parseIfMatch', () => {
  it('gives no precondition when the header is absent', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
  });

  it.each(['*', ' * '])('reads %j as any version', (header) => {
    expect(parseIfMatch(header)).toBe('*');
  });

  it.each([
    ['"3"', [3]],
    ['W/"3"', [3]],
    ['"1", "2"', [1, 2]],
    ['"1","2" , W/"7"', [1, 2, 7]],
    [' "10" ', [10]],
  ])('reads %j as versions %j', (header, versions) => {
    expect(parseIfMatch(header)).toEqual(versions);
  });

  it('keeps the versions of a list and drops the entries that are no version of ours', () => {
    expect(parseIfMatch('"abc", "4", W/"x"')).toEqual([4]);
  });

  it.each([
    '',
    ' ',
    'garbage',
    '"abc"',
    '"-1"',
    '"1.5"',
    '"3 "',
    'W/',
    '""',
    ',',
    '"*"',
    '"9999999999999999"',
    'W/ "3"',
    'w/"3"',
  ])('reads the garbage %j as an empty list, which matches no version', (header) => {
    expect(parseIfMatch(header)).toEqual([]);
    for (const version of [1, 3, Number.MAX_SAFE_INTEGER]) expect(allows(header, version)).toBe(false);
  });

  it('matches a version only when the header names that version', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 1000 }), (named, current) => {
        expect(allows(etag(named), current)).toBe(named === current);
      }),
    );
  });

  it('never throws, whatever the header', () => {
    fc.assert(
      fc.property(fc.string(), (header) => {
        const result = parseIfMatch(header);

        expect(result === '*' || Array.isArray(result)).toBe(true);
      }),
    );
  });

  it.each([
    ['an unquoted version', '3'],
    ['an opening quote only', '"3'],
    ['a closing quote only', '3"'],
    ['a zero-padded version', '"03"'],
  ])('does not take %s (%j) for version 3: it is not the entity-tag "3"', (_, header) => {
    // RFC 9110 section 8.8.3: an entity-tag is a quoted string and tags compare character by
    // character; the ETag the service sends for version 3 is exactly "3". (A weak W/"3" is accepted
    // on purpose, see above.)
    expect(allows(header, 3)).toBe(false);
  });
});
