import fc from 'fast-check';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { ValidationError, type FieldError } from '#model/errors.ts';
import { parse } from '#http/validation.ts';
import {
  connectionId,
  createConnectionBody,
  getConnectionQuery,
  listConnectionsQuery,
  resourceConnectionsQuery,
  resourceId,
  slug,
  updateConnectionBody,
} from '#model/inputs.ts';
import { connectionPath, resourcePath } from '#http/schemas.ts';
import { problemOf } from '#http/errors.ts';

/** The field errors `parse` reports, or a failed test when it accepts the value. */
function refusal(schema: z.ZodMiniType, value: unknown): FieldError[] {
  try {
    parse(schema, value);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    const validation = error as ValidationError;
    expect(problemOf(error)?.status).toBe(400);
    expect(validation.code).toBe('VALIDATION_FAILED');
    return [...validation.errors];
  }
  return expect.fail(`expected ${JSON.stringify(value)?.slice(0, 200)} to be refused`);
}

const paths = (errors: FieldError[]) => errors.map((e) => e.path).sort();

// Independent restatements of docs/api.md's identifier rules (docs/api.md, Vocabulary and identifiers).
const LOWER_OR_DIGIT = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const isContractSlug = (s: string) =>
  s.length >= 1 &&
  s.length <= 63 &&
  [...s].every((c) => LOWER_OR_DIGIT.includes(c) || c === '-') &&
  s[0] !== '-' &&
  s[s.length - 1] !== '-';
const isContractResourceId = (s: string) =>
  s.length >= 1 &&
  s.length <= 128 &&
  ALNUM.includes(s[0] ?? '') &&
  [...s].every((c) => ALNUM.includes(c) || '._:@-'.includes(c));

const validCreate = {
  sourceResourceType: 'application',
  sourceResourceId: 'app-42',
  targetResourceType: 'instance',
  targetResourceId: 'i-0abc123',
};

/** A details object whose JSON text is exactly `bytes` bytes long. */
function detailsOfSize(bytes: number, filler = 'x'): Record<string, string> {
  const overhead = Buffer.byteLength(JSON.stringify({ k: '' }));
  const fillerBytes = Buffer.byteLength(filler);
  const value =
    filler.repeat(Math.floor((bytes - overhead) / fillerBytes)) + 'x'.repeat((bytes - overhead) % fillerBytes);
  const details = { k: value };
  expect(Buffer.byteLength(JSON.stringify(details))).toBe(bytes);
  return details;
}

/** `{ a: { a: ... } }`: an object `levels` deep counting itself. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

describe('slugs', () => {
  it.each(['a', '0', 'acme', 'prod-eu-1', 'a--b', 'a'.repeat(63)])('accepts %j', (value) => {
    expect(parse(slug, value)).toBe(value);
  });

  it.each([
    '',
    '-acme',
    'acme-',
    'Acme',
    'ac_me',
    'ac.me',
    'ac me',
    'ac/me',
    'ac#me',
    'äcme',
    'a'.repeat(64),
    'acme\n',
  ])('refuses %j', (value) => {
    expect(refusal(slug, value)).toHaveLength(1);
  });

  it('accepts a string exactly when the contract rule does', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'abz09-A_.#/ '), maxLength: 70 }), (value) => {
        expect(slug.safeParse(value).success).toBe(isContractSlug(value));
      }),
    );
  });
});

describe('resource ids', () => {
  it.each(['a', 'Z', '7', 'i-0abc123', 'app.v2_x:y@z-1', 'arn:aws:s3:::bucket', 'a'.repeat(128)])(
    'accepts %j',
    (value) => {
      expect(parse(resourceId, value)).toBe(value);
    },
  );

  it.each([
    ['empty', ''],
    ['with #', 'app#1'],
    ['with /', 'app/1'],
    ['with a space', 'app 1'],
    ['with a leading space', ' app'],
    ['with a trailing newline', 'app\n'],
    ['129 characters', 'a'.repeat(129)],
    ['starting with .', '.app'],
    ['starting with -', '-app'],
    ['starting with _', '_app'],
    ['starting with :', ':app'],
    ['starting with @', '@app'],
    ['with a percent escape', 'app%2F1'],
    ['non-ASCII', 'äpp'],
    ['with a NUL', 'app\u0000'],
  ])('refuses an id %s', (_, value) => {
    const errors = refusal(resourceId, value);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/1-128 characters/);
  });

  it('accepts a string exactly when the contract rule does', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'aZ9._:@-#/ %'), maxLength: 140 }), (value) => {
        expect(resourceId.safeParse(value).success).toBe(isContractResourceId(value));
      }),
    );
  });
});

describe('connection ids', () => {
  it('accepts the ULIDs the service makes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (time) => {
        const id = ulid(time);
        expect(parse(connectionId, id)).toBe(id);
      }),
    );
  });

  it.each([
    ['25 characters', '01JD3Y6Q9K6V7Z5N8M2C4B1A0'],
    ['27 characters', '01JD3Y6Q9K6V7Z5N8M2C4B1A0EE'],
    ['lowercase', '01jd3y6q9k6v7z5n8m2c4b1a0e'],
    ['with I', '01JD3Y6Q9K6V7Z5N8M2C4B1A0I'],
    ['with L', '01JD3Y6Q9K6V7Z5N8M2C4B1A0L'],
    ['with O', '01JD3Y6Q9K6V7Z5N8M2C4B1A0O'],
    ['with U', '01JD3Y6Q9K6V7Z5N8M2C4B1A0U'],
    ['with #', '01JD3Y6Q9K6V7Z5N8M2C4B1A0#'],
    ['empty', ''],
  ])('refuses an id %s', (_, value) => {
    expect(refusal(connectionId, value)).toEqual([{ path: '', message: 'is not a connection id' }]);
  });

  it('names connectionId when a path holds a bad one', () => {
    const errors = refusal(connectionPath, { projectSlug: 'acme', environmentSlug: 'prod', connectionId: 'nope' });

    expect(paths(errors)).toEqual(['connectionId']);
  });
});

describe('path parameters', () => {
  it('refuses an unknown resource type in a resource path', () => {
    const errors = refusal(resourcePath, {
      projectSlug: 'acme',
      environmentSlug: 'prod',
      resourceType: 'vm',
      resourceId: 'x',
    });

    expect(paths(errors)).toEqual(['resourceType']);
  });

  it('names each bad path parameter', () => {
    const errors = refusal(resourcePath, {
      projectSlug: 'ACME',
      environmentSlug: '-',
      resourceType: 'vm',
      resourceId: 'a/b',
    });

    expect(paths(errors)).toEqual(['environmentSlug', 'projectSlug', 'resourceId', 'resourceType']);
  });
});

describe('create body', () => {
  it('accepts the four required fields, and details', () => {
    const body = { ...validCreate, details: { port: 8080, env: ['DATABASE_URL'], notes: null } };

    expect(parse(createConnectionBody, body)).toEqual(body);
  });

  it('accepts a body without details', () => {
    expect(parse(createConnectionBody, validCreate)).toEqual(validCreate);
  });

  it.each(['status', 'id', 'version', 'projectSlug', 'createdBy', 'deletedAt', 'sourceresourcetype'])(
    'refuses the unknown field %s and names it',
    (field) => {
      const errors = refusal(createConnectionBody, { ...validCreate, [field]: 'x' });

      expect(errors).toEqual([{ path: field, message: 'is not a known field' }]);
    },
  );

  it.each(Object.keys(validCreate))('refuses a body without %s and names it', (field) => {
    const body: Record<string, unknown> = { ...validCreate };
    delete body[field];

    expect(paths(refusal(createConnectionBody, body))).toEqual([field]);
  });

  it('names every missing field at once', () => {
    const errors = refusal(createConnectionBody, {});

    expect(paths(errors)).toEqual(['sourceResourceId', 'sourceResourceType', 'targetResourceId', 'targetResourceType']);
  });

  it('names a resource type that is not one of the eight', () => {
    const errors = refusal(createConnectionBody, { ...validCreate, targetResourceType: 'server' });

    expect(paths(errors)).toEqual(['targetResourceType']);
    expect(errors[0]?.message).toContain('instance');
  });

  it.each([
    ['#', 'app#1'],
    ['/', 'app/1'],
    ['a space', 'app 1'],
    ['a leading .', '.app'],
  ])('refuses a source id with %s', (_, id) => {
    expect(paths(refusal(createConnectionBody, { ...validCreate, sourceResourceId: id }))).toEqual([
      'sourceResourceId',
    ]);
  });

  it('refuses a target id of 129 characters', () => {
    const errors = refusal(createConnectionBody, { ...validCreate, targetResourceId: 'a'.repeat(129) });

    expect(paths(errors)).toEqual(['targetResourceId']);
  });

  it.each([
    ['a number', 42],
    ['a string', 'x'],
    ['null', null],
  ])('refuses a source type given as %s', (_, value) => {
    expect(paths(refusal(createConnectionBody, { ...validCreate, sourceResourceType: value }))).toEqual([
      'sourceResourceType',
    ]);
  });

  it.each([
    ['an array', []],
    ['a string', '{}'],
    ['a number', 1],
    ['null', null],
  ])('refuses details given as %s', (_, details) => {
    expect(paths(refusal(createConnectionBody, { ...validCreate, details }))).toEqual(['details']);
  });

  it.each([
    ['null', null],
    ['an array', [validCreate]],
    ['a string', JSON.stringify(validCreate)],
  ])('refuses a body that is %s, not an object', (_, body) => {
    expect(refusal(createConnectionBody, body)).toHaveLength(1);
  });

  it('accepts details of exactly 4096 bytes as JSON', () => {
    const details = detailsOfSize(4096);

    expect(parse(createConnectionBody, { ...validCreate, details }).details).toEqual(details);
  });

  it('refuses details of 4097 bytes as JSON and names details', () => {
    const errors = refusal(createConnectionBody, { ...validCreate, details: detailsOfSize(4097) });

    expect(errors).toEqual([{ path: 'details', message: 'must be at most 4096 bytes as JSON' }]);
  });

  it('counts bytes, not characters, against the details limit', () => {
    // prepare: 2100 characters of "é" are 4200 bytes
    const details = { k: 'é'.repeat(2100) };
    expect(JSON.stringify(details).length).toBeLessThan(4096);

    // act
    const errors = refusal(createConnectionBody, { ...validCreate, details });

    // assess
    expect(paths(errors)).toEqual(['details']);
  });

  it('accepts details nested 16 levels deep', () => {
    expect(() => parse(createConnectionBody, { ...validCreate, details: nested(16) })).not.toThrow();
  });

  it('refuses details nested 17 levels deep, arrays included', () => {
    const viaObjects = refusal(createConnectionBody, { ...validCreate, details: nested(17) });
    const viaArrays = refusal(createConnectionBody, {
      ...validCreate,
      details: { a: [[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]] },
    });

    expect(viaObjects).toEqual([{ path: 'details', message: 'must nest at most 16 levels deep' }]);
    expect(paths(viaArrays)).toEqual(['details']);
  });

  it('refuses details nested thousands of levels deep (a 14 KB body) with a ValidationError, not a crash', () => {
    // prepare: 7000 nested arrays fit well inside the 16 KiB body limit
    const details = { a: JSON.parse('['.repeat(7000) + ']'.repeat(7000)) as unknown };

    // act / assess
    expect(paths(refusal(createConnectionBody, { ...validCreate, details }))).toEqual(['details']);
    expect(paths(refusal(updateConnectionBody, { details }))).toEqual(['details']);
  });

  it('puts every field error in the problem detail', () => {
    try {
      parse(createConnectionBody, { sourceResourceType: 'x', extra: 1 });
      expect.fail('expected a ValidationError');
    } catch (error) {
      const message = (error as ValidationError).message;
      for (const field of [
        'extra',
        'sourceResourceType',
        'sourceResourceId',
        'targetResourceType',
        'targetResourceId',
      ]) {
        expect(message).toContain(`${field}:`);
      }
    }
  });
});

describe('update body', () => {
  it.each([
    { status: 'connecting' },
    { statusReason: 'provisioning started' },
    { statusReason: null },
    { details: { port: 8080, old: null } },
    { details: null },
    { status: 'failed', statusReason: 'timeout', details: {} },
  ])('accepts %j', (body) => {
    expect(parse(updateConnectionBody, body)).toEqual(body);
  });

  it('refuses an empty body, saying what it needs', () => {
    const errors = refusal(updateConnectionBody, {});

    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/status.*statusReason.*details.*deadlineSeconds/);
  });

  it.each([
    'sourceResourceType',
    'sourceResourceId',
    'targetResourceType',
    'targetResourceId',
    'id',
    'version',
    'createdAt',
    'deletedAt',
  ])('refuses %s, which an update may not change', (field) => {
    const errors = refusal(updateConnectionBody, { status: 'connecting', [field]: 'x' });

    expect(errors).toEqual([{ path: field, message: 'is not a known field' }]);
  });

  it('refuses a status that is not one of the five', () => {
    expect(paths(refusal(updateConnectionBody, { status: 'active' }))).toEqual(['status']);
  });

  it('accepts a status reason of 1024 characters and refuses 1025', () => {
    expect(parse(updateConnectionBody, { statusReason: 'r'.repeat(1024) })).toEqual({ statusReason: 'r'.repeat(1024) });
    expect(paths(refusal(updateConnectionBody, { statusReason: 'r'.repeat(1025) }))).toEqual(['statusReason']);
  });

  it('refuses a status reason that is not a string', () => {
    expect(paths(refusal(updateConnectionBody, { statusReason: 42 }))).toEqual(['statusReason']);
  });

  it('accepts deadlineSeconds alone (a heartbeat) or with a status, from 5 to 604,800 whole seconds', () => {
    for (const body of [
      { deadlineSeconds: 5 },
      { deadlineSeconds: 604_800 },
      { status: 'connecting', deadlineSeconds: 60 },
    ])
      expect(parse(updateConnectionBody, body)).toEqual(body);
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 604_800 }), (n) => {
        expect(parse(createConnectionBody, { ...validCreate, deadlineSeconds: n }).deadlineSeconds).toBe(n);
      }),
    );
  });

  it.each([4, 0, -60, 604_801, 5.5, Infinity, NaN, '60', null, true, [60], { seconds: 60 }])(
    'refuses deadlineSeconds %j in a patch and in a create, naming it and its bounds',
    (value) => {
      for (const [schema, body] of [
        [updateConnectionBody, { deadlineSeconds: value }],
        [createConnectionBody, { ...validCreate, deadlineSeconds: value }],
      ] as const) {
        expect(refusal(schema, body)).toEqual([
          { path: 'deadlineSeconds', message: 'must be a whole number of seconds from 5 to 604800 (one week)' },
        ]);
      }
    },
  );

  it('applies the details size and depth limits to the patch', () => {
    expect(paths(refusal(updateConnectionBody, { details: detailsOfSize(4097) }))).toEqual(['details']);
    expect(paths(refusal(updateConnectionBody, { details: nested(17) }))).toEqual(['details']);
    expect(paths(refusal(updateConnectionBody, { details: ['a'] }))).toEqual(['details']);
  });
});

describe('list query', () => {
  it('accepts no parameters', () => {
    expect(parse(listConnectionsQuery, {})).toEqual({});
  });

  it.each([
    ['1', 1],
    ['9', 9],
    ['50', 50],
    ['99', 99],
    ['100', 100],
  ])('reads limit %j as %d', (limit, expected) => {
    expect(parse(listConnectionsQuery, { limit })).toEqual({ limit: expected });
  });

  it.each(['0', '101', '1.5', 'abc', '', '01', '-1', ' 5', '5 ', '1e2', '0x10', '1000'])(
    'refuses limit %j',
    (limit) => {
      const errors = refusal(listConnectionsQuery, { limit });

      expect(errors).toEqual([{ path: 'limit', message: 'must be a whole number from 1 to 100' }]);
    },
  );

  it('accepts limit exactly for the whole numbers 1 to 100 written plainly', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -20, max: 130 }).map(String), fc.string({ maxLength: 4 })), (limit) => {
        const n = Number(limit);
        const expected = /^[0-9]+$/.test(limit) && String(n) === limit && n >= 1 && n <= 100;
        expect(listConnectionsQuery.safeParse({ limit }).success).toBe(expected);
      }),
    );
  });

  it('reads includeDeleted "true" and "false" as booleans', () => {
    expect(parse(listConnectionsQuery, { includeDeleted: 'true' })).toEqual({ includeDeleted: true });
    expect(parse(listConnectionsQuery, { includeDeleted: 'false' })).toEqual({ includeDeleted: false });
  });

  it.each(['TRUE', 'True', '1', '0', 'yes', '', 'true,false'])('refuses includeDeleted %j', (includeDeleted) => {
    expect(paths(refusal(listConnectionsQuery, { includeDeleted }))).toEqual(['includeDeleted']);
  });

  it('refuses sourceResourceId without sourceResourceType', () => {
    const errors = refusal(listConnectionsQuery, { sourceResourceId: 'app-42' });

    expect(paths(errors)).toEqual(['sourceResourceId']);
    expect(errors[0]?.message).toContain('sourceResourceType');
  });

  it('refuses targetResourceId without targetResourceType', () => {
    const errors = refusal(listConnectionsQuery, { targetResourceId: 'i-0abc123', targetResourceType: undefined });

    expect(paths(errors)).toEqual(['targetResourceId']);
    expect(errors[0]?.message).toContain('targetResourceType');
  });

  it('accepts a resource id together with its type, on either side', () => {
    const query = {
      sourceResourceType: 'application',
      sourceResourceId: 'app-42',
      targetResourceType: 'instance',
      targetResourceId: 'i-1',
    };

    expect(parse(listConnectionsQuery, query)).toEqual(query);
  });

  it('does not let a source type stand in for the target type', () => {
    const errors = refusal(listConnectionsQuery, { sourceResourceType: 'instance', targetResourceId: 'i-1' });

    expect(paths(errors)).toEqual(['targetResourceId']);
  });

  it.each(['foo', 'LIMIT', 'source', 'next_token', '__proto__', 'connectionId'])(
    'refuses the unknown parameter %j and names it',
    (name) => {
      const query = Object.defineProperty({}, name, { value: '1', enumerable: true });

      expect(refusal(listConnectionsQuery, query)).toEqual([{ path: name, message: 'is not a known field' }]);
    },
  );

  it('refuses a status outside the five, and bad resource filters', () => {
    const errors = refusal(listConnectionsQuery, {
      status: 'active',
      sourceResourceType: 'vm',
      targetResourceType: 'instance',
      targetResourceId: 'a b',
    });

    expect(paths(errors)).toEqual(['sourceResourceType', 'status', 'targetResourceId']);
  });

  it('refuses an empty nextToken and one over 4096 characters', () => {
    expect(paths(refusal(listConnectionsQuery, { nextToken: '' }))).toEqual(['nextToken']);
    expect(paths(refusal(listConnectionsQuery, { nextToken: 'a'.repeat(4097) }))).toEqual(['nextToken']);
    expect(parse(listConnectionsQuery, { nextToken: 'a'.repeat(4096) })).toEqual({ nextToken: 'a'.repeat(4096) });
  });

  it('names every bad parameter at once', () => {
    const errors = refusal(listConnectionsQuery, { limit: '0', sourceResourceId: 'x', foo: 'bar' });

    expect(paths(errors)).toEqual(['foo', 'limit', 'sourceResourceId']);
  });

  it.each([
    [{ status: 'active', sourceResourceId: 'app-42' }, ['sourceResourceId', 'status']],
    [{ includeDeleted: 'yes', targetResourceId: 'i-1' }, ['includeDeleted', 'targetResourceId']],
    [
      { targetResourceType: 'vm', targetResourceId: 'i-1', sourceResourceId: 'app-42' },
      ['sourceResourceId', 'targetResourceType'],
    ],
  ])('names a resource id without its type even when another parameter is bad too: %j', (query, expected) => {
    expect([...new Set(paths(refusal(listConnectionsQuery, query)))]).toEqual(expected);
  });
});

describe('resource connections query', () => {
  it('takes status, limit, nextToken and includeDeleted', () => {
    const query = { status: 'connected', limit: '10', nextToken: 'abc', includeDeleted: 'true' };

    expect(parse(resourceConnectionsQuery, query)).toEqual({
      status: 'connected',
      limit: 10,
      nextToken: 'abc',
      includeDeleted: true,
    });
  });

  it.each(['sourceResourceType', 'targetResourceId', 'resourceType'])(
    'refuses %s, which the path already gives',
    (name) => {
      expect(refusal(resourceConnectionsQuery, { [name]: 'instance' })).toEqual([
        { path: name, message: 'is not a known field' },
      ]);
    },
  );
});

describe('get connection query', () => {
  it('takes only includeDeleted', () => {
    expect(parse(getConnectionQuery, { includeDeleted: 'true' })).toEqual({ includeDeleted: true });
    expect(paths(refusal(getConnectionQuery, { limit: '5' }))).toEqual(['limit']);
  });
});
