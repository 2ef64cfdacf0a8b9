/** Item sizes and capacity units as DynamoDB bills them: what the partition model charges by. */
import { describe, expect, it } from 'vitest';
import { itemSize, readUnits, valueSize, writeUnits } from '../../testkit/item-size.ts';

describe('item size', () => {
  it('counts attribute names and values by their UTF-8 length', () => {
    expect(itemSize({ pk: { S: 'abc' } })).toBe(2 + 3);
    expect(itemSize({ naïve: { S: 'é' } })).toBe(6 + 2);
  });

  it('counts a number at about one byte per two significant digits, plus one', () => {
    expect(valueSize({ N: '7' })).toBe(2);
    expect(valueSize({ N: '12345' })).toBe(4);
    expect(valueSize({ N: '-0.0012300' })).toBe(3);
  });

  it('counts one byte for a boolean or null, and 3 bytes plus one per element for a list or map', () => {
    expect(valueSize({ BOOL: true })).toBe(1);
    expect(valueSize({ NULL: true })).toBe(1);
    expect(valueSize({ L: [{ S: 'ab' }, { NULL: true }] })).toBe(3 + (1 + 2) + (1 + 1));
    expect(valueSize({ M: { a: { S: 'xy' } } })).toBe(3 + 1 + 1 + 2);
  });
});

describe('capacity units', () => {
  it('charges a write 1 unit per KB, rounded up, at least 1', () => {
    expect([0, 1, 1024, 1025, 4096].map(writeUnits)).toEqual([1, 1, 1, 2, 4]);
  });

  it('charges a read 1 unit per 4 KB, rounded up, half when eventually consistent', () => {
    expect(readUnits(0, true)).toBe(1);
    expect(readUnits(4097, true)).toBe(2);
    expect(readUnits(4097, false)).toBe(1);
    expect(readUnits(100, false)).toBe(0.5);
  });
});
