/**
 * Details too large to travel with a connection's item live in a details item beside it, written
 * only by a change of details: a status change leaves it alone. Every reader still answers a
 * connection's details as they were at its version: a get, the lists (one BatchGetItem per page),
 * the events, and a reader that meets a details item of another version (it takes the history's).
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { toConnectionEvent } from '../../functions/events/events.ts';
import { itemReader } from '#store/details.ts';
import { keys } from '#store/keys.ts';
import { attachMeter, callsByOperation } from '../../testkit/meter.ts';
import { client, freshScope, itemsUnder, newRepository, tableName } from '../support/integration.ts';

const repo = newRepository();
const large = (fill: string) => ({ notes: fill.repeat(1024), ports: [5432, 6432] });
const pair = (app: string) => ({
  sourceResourceType: 'application' as const,
  sourceResourceId: app,
  targetResourceType: 'instance' as const,
  targetResourceId: 'i-large',
});

async function stored(scope: ReturnType<typeof freshScope>, id: string) {
  const items = await itemsUnder(keys.connection(scope, id).pk);
  return {
    connection: items.find((i) => i.sk === 'CONNECTION')!,
    details: items.find((i) => i.sk === 'CONNECTION#DETAILS'),
  };
}

describe('details over the inline size', () => {
  it('are written beside the connection, and every reader answers them', async () => {
    const scope = freshScope();
    const { connection } = await repo.create({ scope, input: { ...pair('app-1'), details: large('a') }, actor: 'u' });

    const items = await stored(scope, connection.id);
    expect(items.connection).not.toHaveProperty('detailsJson');
    expect(items.connection.detailsVersion).toBe(1);
    expect(items.details).toMatchObject({ detailsVersion: 1, detailsJson: JSON.stringify(large('a')) });

    expect((await repo.get({ scope, id: connection.id })).details).toEqual(large('a'));
    expect((await repo.list({ scope, query: {} })).items).toEqual([connection]);
    const ofResource = await repo.listForResource({ scope, resource: { type: 'instance', id: 'i-large' }, query: {} });
    expect(ofResource.items).toEqual([connection]);
  });

  it('are not written by a status change; a change of details moves them, small ones back into the item', async () => {
    const scope = freshScope();
    const { connection } = await repo.create({ scope, input: { ...pair('app-2'), details: large('b') }, actor: 'u' });

    const connecting = (await repo.update({ scope, id: connection.id, patch: { status: 'connecting' }, actor: 'u' }))
      .connection;
    let items = await stored(scope, connection.id);
    expect(items.connection).toMatchObject({ version: 2, detailsVersion: 1, status: 'connecting' });
    expect(items.details).toMatchObject({ detailsVersion: 1 });
    expect(connecting.details).toEqual(large('b'));

    await repo.update({ scope, id: connection.id, patch: { details: { ...large('c'), ports: null } }, actor: 'u' });
    items = await stored(scope, connection.id);
    expect(items.connection.detailsVersion).toBe(3);
    expect(items.details).toMatchObject({
      detailsVersion: 3,
      detailsJson: JSON.stringify({ notes: large('c').notes }),
    });

    const small = await repo.update({
      scope,
      id: connection.id,
      patch: { details: { notes: null, port: 1 } },
      actor: 'u',
    });
    items = await stored(scope, connection.id);
    expect(items.details).toBeUndefined();
    expect(items.connection.detailsJson).toBe('{"port":1}');
    expect(await repo.get({ scope, id: connection.id })).toEqual(small.connection);
  });

  it('are read for a page of list rows with one BatchGetItem', async () => {
    const scope = freshScope();
    for (let i = 0; i < 5; i++) {
      await repo.create({ scope, input: { ...pair(`app-${i}`), details: large(String(i)) }, actor: 'u' });
    }
    await repo.create({ scope, input: { ...pair('app-small'), details: { port: 1 } }, actor: 'u' });
    const meter = attachMeter(client);
    try {
      const page = await repo.list({ scope, query: { targetResourceType: 'instance', targetResourceId: 'i-large' } });

      expect(page.items.map((c) => c.details)).toEqual([...[0, 1, 2, 3, 4].map((i) => large(String(i))), { port: 1 }]);
      expect(callsByOperation(meter.calls)).toEqual({ Query: 1, BatchGetItem: 1 });
    } finally {
      meter.detach();
    }
  });

  it('are taken from the history when the details item met belongs to another version', async () => {
    const scope = freshScope();
    const { connection } = await repo.create({ scope, input: { ...pair('app-3'), details: large('d') }, actor: 'u' });
    // A details item of a later version, as a reader racing a change of details could meet it.
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keys.details(scope, connection.id), detailsVersion: 9, detailsJson: '{"later":true}' },
      }),
    );

    expect((await repo.get({ scope, id: connection.id })).details).toEqual(large('d'));
    expect((await repo.list({ scope, query: {} })).items[0]!.details).toEqual(large('d'));
  });

  it('are in the events of a change, read from the history entry that set them', async () => {
    const scope = freshScope();
    const { connection } = await repo.create({ scope, input: { ...pair('app-4'), details: large('e') }, actor: 'u' });
    const before = (await stored(scope, connection.id)).connection;
    await repo.update({ scope, id: connection.id, patch: { status: 'connecting' }, actor: 'w' });
    const afterStatus = (await stored(scope, connection.id)).connection;
    await repo.update({ scope, id: connection.id, patch: { details: large('f') }, actor: 'w' });
    const afterDetails = (await stored(scope, connection.id)).connection;
    const read = itemReader({ client, tableName });

    const created = await toConnectionEvent({ eventName: 'INSERT', newImage: before }, read);
    const statusChanged = await toConnectionEvent(
      { eventName: 'MODIFY', newImage: afterStatus, oldImage: before },
      read,
    );
    const updated = await toConnectionEvent(
      { eventName: 'MODIFY', newImage: afterDetails, oldImage: afterStatus },
      read,
    );

    expect(created?.detail.connection.details).toEqual(large('e'));
    expect(statusChanged?.detailType).toBe('Connection Status Changed');
    expect(statusChanged?.detail.previousStatus).toBe('pending');
    expect(statusChanged?.detail.connection.details).toEqual(large('e'));
    expect(statusChanged?.detail.changes).toEqual({
      status: { from: 'pending', to: 'connecting' },
      // Entering connecting sets its own deadline.
      statusDeadline: { from: before.statusDeadline, to: afterStatus.statusDeadline },
    });
    expect(updated?.detailType).toBe('Connection Updated');
    expect(updated?.detail.changes).toEqual({ details: { from: large('e'), to: large('f') } });
  });
});
