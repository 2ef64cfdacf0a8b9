/**
 * Retention against DynamoDB Local, with retention periods of seconds (fractions of a day, as the
 * local settings allow): a soft-deleted connection stays readable and restorable until its time,
 * then it and its history answer 404 everywhere even though DynamoDB Local never deletes anything;
 * a restore clears its expiry; history entries expire each from when it was written; and once the
 * local stand-in for DynamoDB's TTL deleter removes an expired connection, the publisher's pipeline
 * says `Connection Purged` with its last representation and deletes its history and details.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '#model/errors.ts';
import type { Scope } from '#model/vocabulary.ts';
import { keys } from '#store/keys.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { TABLE } from '#store/table-definition.ts';
import type { ConnectionEvent } from '../../functions/events/events.ts';
import { enableStream } from '../../local/environment.ts';
import { publishStream, type StreamFollower } from '../../local/stream-events.ts';
import { client, freshScope, pageTokenSecret, tableName } from '../support/integration.ts';

const DAY = 86_400;
/** A repository whose deleted connections are kept `deleted` seconds and history entries `history` seconds. */
const keeping = (deleted: number, history = 400 * DAY) =>
  new ConnectionRepository({
    client,
    tableName,
    pageTokenSecret,
    retention: { deleted: deleted / DAY, history: history / DAY },
  });
const pair = (n: number | string) => ({
  sourceResourceType: 'application' as const,
  sourceResourceId: `app-${n}`,
  targetResourceType: 'instance' as const,
  targetResourceId: 'i-1',
});
const LARGE = { notes: 'x'.repeat(600) };
const stored = async (scope: Scope, id: string) =>
  (await client.send(new GetCommand({ TableName: tableName, Key: keys.connection(scope, id), ConsistentRead: true })))
    .Item;
const everythingUnder = async (scope: Scope, id: string) =>
  (
    await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.connection(scope, id).pk },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];
const waitUntil = (epochSeconds: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, epochSeconds * 1000 - Date.now() + 50)));

describe('a soft-deleted connection', () => {
  it('is readable and restorable until its retention ends, then answers 404 everywhere, before any deletion', async () => {
    const repo = keeping(3);
    const scope = freshScope();
    const { connection: gone } = await repo.create({ scope, input: { ...pair(1), details: LARGE }, actor: 'u' });
    const { connection: back } = await repo.create({ scope, input: pair(2), actor: 'u' });
    const deleted = (await repo.delete({ scope, id: gone.id, actor: 'u' })).connection;
    await repo.delete({ scope, id: back.id, actor: 'u' });

    const expiresAt = Number((await stored(scope, gone.id))![TABLE.timeToLiveAttribute]);
    expect(expiresAt).toBe(Math.ceil(Date.parse(deleted.deletedAt!) / 1000 + 3));
    expect(await repo.get({ scope, id: gone.id, includeDeleted: true })).toEqual(deleted);
    expect((await repo.history({ scope, id: gone.id, query: {} })).items).toHaveLength(2);
    const listed = await repo.list({ scope, query: { includeDeleted: true } });
    expect(listed.items.map((c) => c.id).sort()).toEqual([gone.id, back.id].sort());
    // A restore makes it live again, and without an expiry.
    await repo.restore({ scope, id: back.id, actor: 'u' });
    expect(await stored(scope, back.id)).not.toHaveProperty(TABLE.timeToLiveAttribute);

    await waitUntil(expiresAt);

    // Still stored (DynamoDB Local never deletes; DynamoDB may take days), yet never answered.
    expect(await stored(scope, gone.id)).toBeDefined();
    await expect(repo.get({ scope, id: gone.id, includeDeleted: true })).rejects.toThrow(NotFoundError);
    await expect(repo.history({ scope, id: gone.id, query: {} })).rejects.toThrow(NotFoundError);
    await expect(repo.restore({ scope, id: gone.id, actor: 'u' })).rejects.toThrow(NotFoundError);
    expect((await repo.list({ scope, query: { includeDeleted: true } })).items.map((c) => c.id)).toEqual([back.id]);
    const graph = await repo.graph({ scope, query: { includeDeleted: true } });
    expect(graph.edges.map((e) => e.id)).toEqual([back.id]);
    // The restored one outlives the time its deletion had set.
    expect((await repo.get({ scope, id: back.id })).status).toBe('pending');
  });

  it('is kept forever with a retention of 0 days, as are history entries', async () => {
    const repo = keeping(0, 0);
    const scope = freshScope();
    const { connection } = await repo.create({ scope, input: pair(1), actor: 'u' });
    await repo.delete({ scope, id: connection.id, actor: 'u' });

    for (const item of await everythingUnder(scope, connection.id))
      expect(item).not.toHaveProperty(TABLE.timeToLiveAttribute);
  });
});

describe('history entries', () => {
  it('expire each historyRetentionDays after it was written, leaving the later ones', async () => {
    const repo = keeping(90 * DAY, 3);
    const scope = freshScope();
    const { connection } = await repo.create({ scope, input: pair(1), actor: 'u' });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await repo.update({ scope, id: connection.id, patch: { status: 'connecting' }, actor: 'u' });
    const [first, second] = (await everythingUnder(scope, connection.id)).filter((i) =>
      String(i.sk).startsWith(keys.historyPrefix),
    );
    expect(Number(first![TABLE.timeToLiveAttribute])).toBe(Math.ceil(Date.parse(connection.createdAt) / 1000 + 3));

    await waitUntil(Number(first![TABLE.timeToLiveAttribute]));
    expect(Date.now()).toBeLessThan(Number(second![TABLE.timeToLiveAttribute]) * 1000);

    expect((await repo.history({ scope, id: connection.id, query: {} })).items.map((h) => h.version)).toEqual([2]);
    // The connection itself lives on: only deleted connections expire.
    expect((await repo.get({ scope, id: connection.id })).status).toBe('connecting');
  });
});

describe('a purge, through the local stream as the publisher sees it', () => {
  const events: ConnectionEvent[] = [];
  let stream: StreamFollower;
  beforeAll(async () => {
    await enableStream(process.env.DYNAMODB_ENDPOINT!, tableName);
    stream = await publishStream(process.env.DYNAMODB_ENDPOINT!, tableName, {
      put: async (batch) => (events.push(...batch), new Set()),
    });
  });
  afterAll(() => stream?.stop());

  it('says Connection Purged with the last representation, then removes its history and details', async () => {
    const repo = keeping(2);
    const scope = freshScope();
    const { connection } = await repo.create({ scope, input: { ...pair(1), details: LARGE }, actor: 'u' });
    await repo.update({ scope, id: connection.id, patch: { status: 'connecting' }, actor: 'worker' });
    const last = (await repo.delete({ scope, id: connection.id, actor: 'remover' })).connection;
    const { connection: restored } = await repo.create({ scope, input: pair(2), actor: 'u' });
    await repo.delete({ scope, id: restored.id, actor: 'u' });
    await repo.restore({ scope, id: restored.id, actor: 'u' });

    const purgedOf = () =>
      events.find((e) => e.detailType === 'Connection Purged' && e.detail.connection.id === connection.id);
    for (let waited = 0; !purgedOf() && waited < 20_000; waited += 200)
      await new Promise((resolve) => setTimeout(resolve, 200));

    expect(purgedOf()?.detail).toEqual({
      eventId: `${connection.id}:4`,
      connection: last,
      version: 4,
      actor: 'system:retention',
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(events.filter((e) => e.detail.connection.id === connection.id).map((e) => e.detailType)).toEqual([
      'Connection Created',
      'Connection Status Changed',
      'Connection Deleted',
      'Connection Purged',
    ]);
    for (let waited = 0; (await everythingUnder(scope, connection.id)).length > 0 && waited < 5000; waited += 200)
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await everythingUnder(scope, connection.id)).toEqual([]);
    // The restored one is no longer expiring: the stand-in, like DynamoDB, leaves it.
    expect(events.some((e) => e.detailType === 'Connection Purged' && e.detail.connection.id === restored.id)).toBe(
      false,
    );
    expect((await repo.get({ scope, id: restored.id })).version).toBe(3);
  });
});
