/**
 * GET /graph's query parameters (docs/api.md, Routes): whole-environment page parameters, or a
 * neighbourhood (resourceType + resourceId, depth, direction), never both; strict like every data
 * route, each bad parameter named.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError, type FieldError } from '#model/errors.ts';
import { graphQuery } from '#model/inputs.ts';
import { parse } from '#http/validation.ts';

type Query = Record<string, string | undefined>;

function refusal(value: Query): FieldError[] {
  try {
    parse(graphQuery, value);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('VALIDATION_FAILED');
    return [...(error as ValidationError).errors];
  }
  return expect.fail(`expected ${JSON.stringify(value)} to be refused`);
}
const paths = (value: Query) =>
  refusal(value)
    .map((e) => e.path)
    .sort();

const resource = { resourceType: 'instance', resourceId: 'i-0abc' };

describe('whole-environment pages', () => {
  it('take no parameters at all', () => {
    expect(parse(graphQuery, {})).toEqual({});
  });

  it('read status, includeDeleted, limit and nextToken', () => {
    expect(parse(graphQuery, { status: 'failed', includeDeleted: 'true', limit: '1000', nextToken: 'abc' })).toEqual({
      status: 'failed',
      includeDeleted: true,
      limit: 1000,
      nextToken: 'abc',
    });
  });

  it('accept limit exactly for the whole numbers 1 to 1000 written plainly', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -20, max: 1100 }).map(String), fc.string({ maxLength: 5 })), (limit) => {
        const n = Number(limit);
        const expected = /^[0-9]+$/.test(limit) && String(n) === limit && n >= 1 && n <= 1000;
        const result = graphQuery.safeParse({ limit });
        expect(result.success).toBe(expected);
        if (expected) expect(result.data).toEqual({ limit: n });
      }),
    );
  });

  it.each(['0', '1001', '01', '1e3', ' 5', ''])('refuse limit %j, naming it', (limit) => {
    expect(refusal({ limit })).toEqual([{ path: 'limit', message: 'must be a whole number from 1 to 1000' }]);
  });

  it.each([{ status: 'broken' }, { includeDeleted: 'yes' }, { nextToken: '' }, { nextToken: 'x'.repeat(4097) }])(
    'refuse %j',
    (query) => {
      expect(paths(query)).toEqual(Object.keys(query));
    },
  );
});

describe('neighbourhoods', () => {
  it('default nothing in the schema: depth and direction stay absent until the store', () => {
    expect(parse(graphQuery, resource)).toEqual(resource);
  });

  it.each([
    ['1', 'in'],
    ['2', 'out'],
    ['3', 'both'],
  ])('read depth %s and direction %s', (depth, direction) => {
    expect(parse(graphQuery, { ...resource, depth, direction })).toEqual({
      ...resource,
      depth: Number(depth),
      direction,
    });
  });

  it.each(['0', '4', '01', '1.0', '', 'two'])('refuse depth %j', (depth) => {
    expect(paths({ ...resource, depth })).toEqual(['depth']);
  });

  it.each(['IN', 'up', '', 'in,out'])('refuse direction %j', (direction) => {
    expect(paths({ ...resource, direction })).toEqual(['direction']);
  });

  it('need both the type and the id of the resource', () => {
    expect(paths({ resourceType: 'instance' })).toEqual(['resourceType']);
    expect(paths({ resourceId: 'i-1' })).toEqual(['resourceId']);
  });

  it.each(['database ', 'server', ''])('refuse the unknown resource type %j', (resourceType) => {
    expect(paths({ ...resource, resourceType })).toEqual(['resourceType']);
  });

  it.each(['a/b', 'a#b', '-a', 'x'.repeat(129)])('refuse the resource id %j', (resourceId) => {
    expect(paths({ ...resource, resourceId })).toEqual(['resourceId']);
  });

  it.each([{ depth: '2' }, { direction: 'out' }, { depth: '2', direction: 'in' }])(
    'shape only a neighbourhood: %j alone is refused',
    (query) => {
      expect(paths(query)).toEqual(Object.keys(query).sort());
    },
  );

  it.each([{ nextToken: 'abc' }, { limit: '10' }, { status: 'failed' }, { includeDeleted: 'true' }])(
    'do not combine with the page parameter %j',
    (query) => {
      const errors = refusal({ ...resource, ...query });
      expect(errors.map((e) => e.path)).toEqual(Object.keys(query));
      expect(errors[0]!.message).toMatch(/not to a neighbourhood/);
    },
  );

  it('name every bad parameter at once', () => {
    expect([...new Set(paths({ resourceId: 'i-1', depth: '9', nextToken: 'abc', limit: '0' }))]).toEqual([
      'depth',
      'limit',
      'nextToken',
      'resourceId',
    ]);
  });

  it('refuse unknown parameters', () => {
    expect(paths({ ...resource, hops: '2' })).toEqual(['hops']);
    expect(paths({ sourceResourceType: 'instance' })).toEqual(['sourceResourceType']);
  });
});
