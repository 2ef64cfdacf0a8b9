/**
 * Retention, without a database: when items expire (DynamoDB's TTL reads epoch seconds), that an
 * item past its time counts as gone, the settings as the functions read them, the `Connection
 * Purged` event a TTL delete makes, where an event finds details kept apart once their history
 * entry is gone, and that the publisher purges only after the purge's event is out.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { expiryAfter, isExpired, toItem } from '#store/connection-item.ts';
import { readConfig } from '#store/client.ts';
import { detailsAt } from '#store/details.ts';
import { historyPut } from '#store/history.ts';
import { keys } from '#store/keys.ts';
import { TABLE } from '#store/table-definition.ts';
import type { Connection } from '#model/representations.ts';
import { toConnectionEvent } from '../../functions/events/events.ts';
import { publish, sequencedRecord, type SequencedRecord } from '../../functions/events/publisher.ts';
import { TTL_IDENTITY } from '../../functions/events/stream-filter.ts';

const TTL = TABLE.timeToLiveAttribute;
const scope = { projectSlug: 'acme', environmentSlug: 'prod' };
const deleted: Connection = {
  id: '01JD3Y6Q9K6V7Z5N8M2C4B1A0E',
  ...scope,
  sourceResourceType: 'application',
  sourceResourceId: 'app-1',
  targetResourceType: 'instance',
  targetResourceId: 'i-1',
  status: 'pending',
  statusReason: null,
  statusDeadline: null,
  details: { port: 8080 },
  createdAt: '2026-11-27T12:00:00.000Z',
  updatedAt: '2026-11-28T12:00:00.000Z',
  createdBy: 'u',
  updatedBy: 'remover',
  version: 3,
  deletedAt: '2026-11-28T12:00:00.000Z',
};

describe('expiry', () => {
  it('is `days` after a time, in whole epoch seconds rounded up; 0 days is never', () => {
    expect(expiryAfter('2026-11-28T12:00:00.000Z', 90)).toBe(
      Date.parse('2026-11-28T12:00:00.000Z') / 1000 + 90 * 86_400,
    );
    expect(expiryAfter('2026-11-28T12:00:00.400Z', 1 / 86_400)).toBe(Date.parse('2026-11-28T12:00:02.000Z') / 1000);
    expect(expiryAfter('2026-11-28T12:00:00.000Z', 0)).toBeUndefined();
  });

  it('makes an item gone from its second on, before DynamoDB deletes it; an item without one never expires', () => {
    const at = Date.parse('2026-11-28T12:00:00.000Z');
    expect(isExpired({ [TTL]: at / 1000 }, at - 1)).toBe(false);
    expect(isExpired({ [TTL]: at / 1000 }, at)).toBe(true);
    expect(isExpired({}, at)).toBe(false);
  });

  it('is written on a deleted connection’s item and on every history entry, each as asked', () => {
    const item = toItem(deleted, { detailsVersion: undefined, expiresAt: 123, shardCount: 1 });
    expect(item[TTL]).toBe(123);
    expect(toItem(deleted, { detailsVersion: undefined, shardCount: 1 })).not.toHaveProperty(TTL);
    const entry = (retention?: { deleted: number; history: number }) =>
      (historyPut({ tableName: 't', retention }, undefined, deleted, 'created').Put!.Item as Record<string, unknown>)[
        TTL
      ];
    expect(entry()).toBe(Date.parse(deleted.updatedAt) / 1000 + 400 * 86_400);
    expect(entry({ deleted: 90, history: 0 })).toBeUndefined();
  });
});

describe('the retention settings the functions read', () => {
  const base = { TABLE_NAME: 't', PAGE_TOKEN_SECRET: 's' };

  it('are 90 and 400 days unless set; fractions and 0 (forever) are allowed', () => {
    expect(readConfig(base).retention).toEqual({ deleted: 90, history: 400 });
    expect(readConfig({ ...base, DELETED_RETENTION_DAYS: '0.0001', HISTORY_RETENTION_DAYS: '0' }).retention).toEqual({
      deleted: 0.0001,
      history: 0,
    });
  });

  it.each(['-1', 'soon', 'Infinity'])('refuse %j', (value) => {
    expect(() => readConfig({ ...base, DELETED_RETENTION_DAYS: value })).toThrow(
      'DELETED_RETENTION_DAYS must be a number of days, 0 or more',
    );
  });
});

/** A stream record of DynamoDB's TTL removing the deleted connection's item. */
const purgeRecord = (image: Record<string, unknown>, sequenceNumber = '9'): SequencedRecord =>
  sequencedRecord({
    eventName: 'REMOVE',
    userIdentity: TTL_IDENTITY,
    dynamodb: {
      SequenceNumber: sequenceNumber,
      ApproximateCreationDateTime: 1_790_000_000,
      OldImage: marshall(image, { removeUndefinedValues: true }),
    },
  });
const storedDeleted = { ...toItem(deleted, { detailsVersion: undefined, expiresAt: 1_789_999_000, shardCount: 1 }) };
const nothing = async () => undefined;

describe('a TTL delete of a connection item', () => {
  it('is a Connection Purged event: its last representation, one version past it, as system:retention', async () => {
    const record = purgeRecord(storedDeleted);
    expect(record.byTimeToLive).toBe(true);

    expect(await toConnectionEvent(record, nothing)).toEqual({
      detailType: 'Connection Purged',
      detail: {
        eventId: `${deleted.id}:4`,
        connection: deleted,
        version: 4,
        actor: 'system:retention',
        occurredAt: new Date(1_790_000_000_000).toISOString(),
      },
    });
  });

  it('makes no event when not by TTL, or not of a connection item', async () => {
    expect(await toConnectionEvent({ ...purgeRecord(storedDeleted), byTimeToLive: false }, nothing)).toBeUndefined();
    const history = { ...keys.history(scope, deleted.id, 1), version: 1 };
    expect(await toConnectionEvent(purgeRecord(history), nothing)).toBeUndefined();
  });

  it('is published before what is left of the connection is purged, and a failed purge is retried from itself', async () => {
    const order: string[] = [];
    const sink = {
      put: async (events: readonly { detailType: string }[]) => (
        order.push(...events.map((e) => e.detailType)),
        new Set<number>()
      ),
    };
    const purged = await publish(
      [purgeRecord(storedDeleted, '7')],
      sink,
      nothing,
      async () => void order.push('purge'),
    );
    expect(purged).toEqual({ published: 1 });
    expect(order).toEqual(['Connection Purged', 'purge']);

    const failing = await publish([purgeRecord(storedDeleted, '7')], sink, nothing, async () => {
      throw new Error('throttled');
    });
    expect(failing).toEqual({ failedFrom: '7', published: 1 });

    const refused = { put: async () => new Set([0]) };
    let purges = 0;
    expect(await publish([purgeRecord(storedDeleted, '7')], refused, nothing, async () => void purges++)).toEqual({
      failedFrom: '7',
      published: 0,
    });
    expect(purges).toBe(0);
  });
});

describe('details kept apart, found for an event', () => {
  const id = deleted.id;
  const details = (version: number, json: object) => ({
    ...keys.details(scope, id),
    detailsVersion: version,
    detailsJson: JSON.stringify(json),
  });
  const entry = (version: number, changes: object) => ({
    ...keys.history(scope, id, version),
    version,
    changesJson: JSON.stringify(changes),
  });
  const reader =
    (...items: Record<string, unknown>[]) =>
    async (key: { pk: string; sk: string }) =>
      items.find((item) => item.pk === key.pk && item.sk === key.sk);
  const big = { notes: 'first' };
  const next = { notes: 'second' };

  it.each([
    ['from the details item while it still holds them', reader(details(2, big)), big],
    [
      'from their history entry once replaced',
      reader(details(5, next), entry(2, { details: { from: {}, to: big } })),
      big,
    ],
    [
      'from the change that replaced them, once their entry is gone too',
      reader(
        details(5, next),
        entry(4, { status: { from: 'a', to: 'b' } }),
        entry(5, { details: { from: big, to: next } }),
      ),
      big,
    ],
    ['nowhere, once the connection is purged', reader(), undefined],
  ])('%s', async (_, read, expected) => {
    // Set by version 2, still current at version 3 (the event's).
    expect(await detailsAt(read, scope, id, 2, 3)).toEqual(expected);
  });
});
