/** Connection ids: ULIDs the service makes itself, checked against the reference implementation. */
import fc from 'fast-check';
import { decodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import { newConnectionId } from '#domain/ids.ts';
import { connectionId } from '#model/inputs.ts';

describe('newConnectionId', () => {
  it('encodes its time as the ulid package reads it, and is a connection id', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (time) => {
        const id = newConnectionId(time);

        expect(decodeTime(id)).toBe(time);
        expect(connectionId.safeParse(id).success).toBe(true);
      }),
    );
  });

  it('sorts by time: a later millisecond gives a greater id', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 2 }), fc.integer({ min: 1, max: 2 ** 20 }), (time, later) => {
        fc.pre(time + later < 2 ** 48);
        expect(newConnectionId(time) < newConnectionId(time + later)).toBe(true);
      }),
    );
  });

  it('draws 80 random bits: ids of one millisecond differ, every symbol turns up', () => {
    const ids = Array.from({ length: 2000 }, () => newConnectionId(1_700_000_000_000));
    const randomParts = ids.map((id) => id.slice(10));

    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(randomParts.join('')).size).toBe(32);
  });
});
