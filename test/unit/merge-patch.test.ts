import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergePatch } from '#domain/merge-patch.ts';

describe('mergePatch', () => {
  // RFC 7396, Appendix A, every example.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('RFC 7396 example: %j patched with %j is %j', (target, patch, expected) => {
    // act
    const result = mergePatch(target, patch);

    // assess
    expect(result).toEqual(expected);
  });

  it('does not change the target or the patch', () => {
    // prepare
    const target = { a: { b: 1, c: [1, 2] }, d: 'x' };
    const patch = { a: { b: null, e: { f: 1 } }, d: null };
    const targetBefore = structuredClone(target);
    const patchBefore = structuredClone(patch);

    // act
    mergePatch(target, patch);

    // assess
    expect(target).toEqual(targetBefore);
    expect(patch).toEqual(patchBefore);
  });

  it('removes a key that the target does not have without complaint', () => {
    expect(mergePatch({ a: 1 }, { b: null })).toEqual({ a: 1 });
  });

  it('keeps a "__proto__" key as data and changes no prototype', () => {
    // prepare: JSON.parse makes "__proto__" an own property, as it is in a request body
    const patch = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as unknown;

    // act
    const result = mergePatch({}, patch) as Record<string, unknown>;

    // assess
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect(JSON.stringify(result)).toBe('{"__proto__":{"polluted":true},"a":1}');
    expect(result.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('merges into an existing "__proto__" data key, and removes it with null', () => {
    const target = JSON.parse('{"__proto__":{"x":1,"y":2}}') as unknown;

    const merged = mergePatch(target, JSON.parse('{"__proto__":{"y":null,"z":3}}')) as Record<string, unknown>;
    const removed = mergePatch(target, JSON.parse('{"__proto__":null}')) as Record<string, unknown>;

    expect(JSON.stringify(merged)).toBe('{"__proto__":{"x":1,"z":3}}');
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(JSON.stringify(removed)).toBe('{}');
    expect(Object.getPrototypeOf(removed)).toBe(Object.prototype);
  });

  it('treats "constructor" and "prototype" keys as plain data', () => {
    const result = mergePatch({}, JSON.parse('{"constructor":{"prototype":{"polluted":true}}}')) as Record<
      string,
      unknown
    >;

    expect(JSON.stringify(result)).toBe('{"constructor":{"prototype":{"polluted":true}}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('with a patch free of nulls, gives every patched key its patched value', () => {
    const json = fc.jsonValue().filter((v) => v !== null);
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), json),
        fc.dictionary(fc.string({ minLength: 1 }), fc.oneof(fc.string(), fc.integer(), fc.boolean())),
        (target, patch) => {
          const result = mergePatch(target, patch) as Record<string, unknown>;

          for (const [key, value] of Object.entries(patch)) expect(result[key]).toEqual(value);
          for (const key of Object.keys(target)) expect(Object.hasOwn(result, key)).toBe(true);
        },
      ),
    );
  });

  it('is idempotent: applying the same patch twice changes nothing more', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (target, patch) => {
        const once = mergePatch(target, patch);

        expect(mergePatch(once, patch)).toEqual(once);
      }),
    );
  });
});
