import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diff } from '#domain/connection.ts';
import { storedItems, toConnection, toItem } from '#store/connection-item.ts';
import { type Connection, connection as connectionSchema } from '#model/representations.ts';
import { RESOURCE_TYPES, STATUSES } from '#model/vocabulary.ts';
import { KEY_ATTRIBUTES, TABLE } from '#store/table-definition.ts';
import { FIXTURE_CONNECTION, LIVE_CONNECTION_FIELDS } from '../../testkit/connections.ts';

const sample: Connection = { ...FIXTURE_CONNECTION, details: { port: 8080, env: ['DATABASE_URL'] }, version: 1 };

const timestamp = fc
  .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2099, 0, 1) })
  .map((ms) => new Date(ms).toISOString());
const jsonObject = fc
  .dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 })
  .map((value) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>);

const connectionArbitrary: fc.Arbitrary<Connection> = fc
  .record({
    id: fc.constantFrom('01JD3Y6Q9K6V7Z5N8M2C4B1A0E', '01ARZ3NDEKTSV4RRFFQ69G5FAV'),
    projectSlug: fc.constantFrom('acme', 'beta-2'),
    environmentSlug: fc.constantFrom('prod', 'dev'),
    sourceResourceType: fc.constantFrom(...RESOURCE_TYPES),
    sourceResourceId: fc.constantFrom('app-42', 'i-1', 'a.b:c@d'),
    targetResourceType: fc.constantFrom(...RESOURCE_TYPES),
    targetResourceId: fc.constantFrom('i-0abc123', 'db-1'),
    status: fc.constantFrom(...STATUSES),
    statusReason: fc.option(fc.string(), { nil: null }),
    statusDeadline: fc.option(timestamp, { nil: null }),
    details: jsonObject,
    createdAt: timestamp,
    updatedAt: timestamp,
    createdBy: fc.string({ minLength: 1 }),
    updatedBy: fc.string({ minLength: 1 }),
    version: fc.integer({ min: 1, max: 1_000_000 }),
    deletedAt: timestamp,
  })
  .chain((c) => fc.boolean().map((deleted) => (deleted ? c : (({ deletedAt: _, ...live }) => live)(c))));

describe('toItem and toConnection', () => {
  it('give back the same connection after a round trip, its details in its item or beside it', () => {
    fc.assert(
      fc.property(connectionArbitrary, (c) => {
        const [item, detailsItem] = storedItems(c);

        const details = detailsItem && (JSON.parse(String(detailsItem.detailsJson)) as Connection['details']);
        expect(toConnection(item!, details)).toEqual(c);
      }),
    );
  });

  it('keep small details in the connection item and larger ones in an item beside it', () => {
    const small = { ...sample, details: { port: 8080 } };
    const large = { ...sample, details: { notes: 'x'.repeat(TABLE.inlineDetailsBytes) }, version: 4 };

    expect(storedItems(small)).toHaveLength(1);
    const [item, detailsItem] = storedItems(large);
    expect(item).not.toHaveProperty('detailsJson');
    expect(item!.detailsVersion).toBe(4);
    expect(detailsItem).toEqual({
      pk: item!.pk,
      sk: 'CONNECTION#DETAILS',
      detailsVersion: 4,
      detailsJson: JSON.stringify(large.details),
    });
    expect(() => toConnection(item!)).toThrow(/not resolved/);
  });

  it('store details as JSON text and the keys beside the fields', () => {
    const item = toItem(sample, { detailsVersion: undefined, shardCount: 1 });

    expect(item.detailsJson).toBe('{"port":8080,"env":["DATABASE_URL"]}');
    expect(item).not.toHaveProperty('details');
    expect(item.pk).toBe('CONN#acme#prod#01JD3Y6Q9K6V7Z5N8M2C4B1A0E');
    expect(item.gsi1pk).toMatch(/^ENV#acme#prod#LIVE#\d{2}$/);
    for (const attribute of KEY_ATTRIBUTES) expect(typeof item[attribute]).toBe('string');
  });

  it('index a deleted connection in the DELETED partitions', () => {
    const item = toItem(
      { ...sample, deletedAt: '2026-11-28T00:00:00.000Z' },
      { detailsVersion: undefined, shardCount: 1 },
    );

    expect(item.gsi1pk).toMatch(/^ENV#acme#prod#DELETED#\d{2}$/);
    expect(item.gsi3pk).toMatch(/^ENV#acme#prod#DELETED#pending#\d{2}$/);
  });

  it('never return storage keys or bookkeeping attributes', () => {
    fc.assert(
      fc.property(connectionArbitrary, (c) => {
        // prepare: a stored item as DynamoDB returns it, with attributes callers must never see
        const item = {
          ...toItem(c, { detailsVersion: undefined, statusSince: c.updatedAt, shardCount: 1 }),
          connectionId: c.id,
          expiresAt: 1799999999,
          changesJson: '{}',
          internal: 'x',
        };

        // act
        const result = toConnection(item);

        // assess
        const expected = c.deletedAt === undefined ? LIVE_CONNECTION_FIELDS : [...LIVE_CONNECTION_FIELDS, 'deletedAt'];
        expect(Object.keys(result).sort()).toEqual([...expected].sort());
        expect(JSON.stringify({ ...result, details: null })).not.toMatch(
          // As names (a value may be any text, "sk" included).
          /"(pk|sk|gsi\d(pk|sk)|detailsJson|statusSince|connectionId|expiresAt)":/,
        );
      }),
    );
  });

  it('give a representation that matches the response schema', () => {
    fc.assert(
      fc.property(connectionArbitrary, (c) => {
        expect(
          connectionSchema.safeParse(toConnection(toItem(c, { detailsVersion: undefined, shardCount: 1 }))).success,
        ).toBe(true);
      }),
    );
  });

  it('read a missing statusReason as null and a numeric string version as a number', () => {
    const { statusReason: _, ...item } = toItem(sample, { detailsVersion: undefined, shardCount: 1 });

    const result = toConnection({ ...item, version: '7' });

    expect(result.statusReason).toBeNull();
    expect(result.version).toBe(7);
  });

  it('put a live waiting connection, and only such a one, in the deadline index', () => {
    const waiting = toItem(sample, { detailsVersion: undefined, shardCount: 1 });
    expect(waiting.gsi5pk).toMatch(/^DEADLINE#\d{3}$/);
    expect(waiting.gsi5sk).toBe(
      `2026-11-27T13:00#${sample.projectSlug}#2026-11-27T13:00:00.000Z#${sample.environmentSlug}#${sample.id}`,
    );

    expect(
      toItem({ ...sample, status: 'connected', statusDeadline: null }, { detailsVersion: undefined, shardCount: 1 }),
    ).not.toHaveProperty('gsi5pk');
    expect(
      toItem({ ...sample, deletedAt: '2026-11-28T00:00:00.000Z' }, { detailsVersion: undefined, shardCount: 1 }),
    ).not.toHaveProperty('gsi5pk');
    fc.assert(
      fc.property(connectionArbitrary, (c) => {
        const inIndex = c.deletedAt === undefined && c.statusDeadline !== null;
        expect(
          'gsi5pk' in toItem(c, { detailsVersion: undefined, shardCount: 1 }) &&
            'gsi5sk' in toItem(c, { detailsVersion: undefined, shardCount: 1 }),
        ).toBe(inIndex);
      }),
    );
  });

  it('keep when the status was entered beside a connection with a deadline, never in its representation', () => {
    const item = toItem(sample, { detailsVersion: undefined, statusSince: '2026-11-27T12:00:00.000Z', shardCount: 1 });

    expect(item.statusSince).toBe('2026-11-27T12:00:00.000Z');
    expect(toItem(sample, { detailsVersion: undefined, shardCount: 1 })).not.toHaveProperty('statusSince');
    expect(toConnection(item)).not.toHaveProperty('statusSince');
  });

  it('read a connection stored before deadlines as having none', () => {
    const { statusDeadline: _, ...item } = toItem(
      { ...sample, statusDeadline: null },
      { detailsVersion: undefined, shardCount: 1 },
    );

    expect(toConnection(item).statusDeadline).toBeNull();
  });

  it('show deletedAt only for a deleted connection', () => {
    expect(toConnection(toItem(sample, { detailsVersion: undefined, shardCount: 1 }))).not.toHaveProperty('deletedAt');
    expect(
      toConnection(
        toItem({ ...sample, deletedAt: '2026-11-28T00:00:00.000Z' }, { detailsVersion: undefined, shardCount: 1 }),
      ).deletedAt,
    ).toBe('2026-11-28T00:00:00.000Z');
  });
});

describe('diff', () => {
  it('records every set field of a new connection as changed from null', () => {
    const changes = diff(undefined, sample);

    expect(changes).toEqual({
      sourceResourceType: { from: null, to: 'application' },
      sourceResourceId: { from: null, to: 'app-42' },
      targetResourceType: { from: null, to: 'instance' },
      targetResourceId: { from: null, to: 'i-0abc123' },
      status: { from: null, to: 'pending' },
      statusDeadline: { from: null, to: '2026-11-27T13:00:00.000Z' },
      details: { from: null, to: { port: 8080, env: ['DATABASE_URL'] } },
    });
  });

  it('finds nothing between a connection and itself', () => {
    fc.assert(
      fc.property(connectionArbitrary, (c) => {
        expect(diff(c, structuredClone(c))).toEqual({});
      }),
    );
  });

  it('records a status move with from and to', () => {
    expect(diff(sample, { ...sample, status: 'connecting' })).toEqual({
      status: { from: 'pending', to: 'connecting' },
    });
  });

  it('records a change deep inside details', () => {
    const after = { ...sample, details: { port: 8081, env: ['DATABASE_URL'] } };

    expect(diff(sample, after)).toEqual({ details: { from: sample.details, to: after.details } });
  });

  it('records a status reason set and cleared', () => {
    const withReason = { ...sample, statusReason: 'timeout' };

    expect(diff(sample, withReason)).toEqual({ statusReason: { from: null, to: 'timeout' } });
    expect(diff(withReason, sample)).toEqual({ statusReason: { from: 'timeout', to: null } });
  });

  it('records a soft delete and a restore', () => {
    const deleted = { ...sample, deletedAt: '2026-11-28T00:00:00.000Z' };

    expect(diff(sample, deleted)).toEqual({ deletedAt: { from: null, to: '2026-11-28T00:00:00.000Z' } });
    expect(diff(deleted, sample)).toEqual({ deletedAt: { from: '2026-11-28T00:00:00.000Z', to: null } });
  });

  it('does not count bookkeeping (version, timestamps, actors) as a change', () => {
    const touched = { ...sample, version: 2, updatedAt: '2026-11-28T00:00:00.000Z', updatedBy: 'user-8' };

    expect(diff(sample, touched)).toEqual({});
  });
});
