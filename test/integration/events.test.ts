/**
 * Events from DynamoDB Local's real change stream, through the publisher Lambda's handler. Only
 * the EventBridge client is replaced, by a recording fake.
 */
import { EventBridgeClient, type PutEventsCommand, type PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { enableStream } from '../../local/environment.ts';
import { followStream, type StreamFollower } from '../../local/stream-events.ts';
import { freshScope, newRepository, tableName } from '../support/integration.ts';

process.env.EVENT_BUS_NAME = 'connections-test-bus';
const { handler } = await import('../../functions/handlers/publish-events.ts');

const repo = newRepository();
let stream: StreamFollower;
const records: StreamRecord[] = [];
let putEntries: { DetailType?: string; Detail?: string; Source?: string; EventBusName?: string }[][] = [];
let answer: (entries: unknown[]) => PutEventsResultEntry[] = (entries) => entries.map(() => ({ EventId: 'e' }));

beforeAll(async () => {
  await enableStream(process.env.DYNAMODB_ENDPOINT!, tableName);
  stream = await followStream(process.env.DYNAMODB_ENDPOINT!, tableName, async (batch) => {
    records.push(...batch);
  });
  vi.spyOn(EventBridgeClient.prototype, 'send').mockImplementation(async (command: unknown) => {
    const entries = (command as PutEventsCommand).input.Entries ?? [];
    putEntries.push(entries);
    const results = answer(entries);
    return { Entries: results, FailedEntryCount: results.filter((r) => r.ErrorCode).length };
  });
});
afterAll(() => stream.stop());
beforeEach(() => {
  answer = (entries) => entries.map(() => ({ EventId: 'e' }));
});

/** The stream records of one connection (or of one scope), once at least `count` have arrived. */
async function recordsOf(pkPart: string, count: number): Promise<StreamRecord[]> {
  const mine = () => records.filter((r) => JSON.stringify(r.dynamodb?.Keys).includes(pkPart));
  for (let waited = 0; mine().length < count && waited < 15_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return mine();
}

function lambdaEvent(batch: StreamRecord[]): DynamoDBStreamEvent {
  return {
    Records: batch.map((r) => ({
      eventID: r.eventID,
      eventName: r.eventName as 'INSERT' | 'MODIFY' | 'REMOVE',
      eventSource: 'aws:dynamodb',
      awsRegion: 'local',
      dynamodb: {
        Keys: r.dynamodb?.Keys as never,
        NewImage: r.dynamodb?.NewImage as never,
        OldImage: r.dynamodb?.OldImage as never,
        SequenceNumber: r.dynamodb?.SequenceNumber,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    })),
  };
}

const published = () => putEntries.flat().map((e) => ({ type: e.DetailType, detail: JSON.parse(e.Detail!) }));

describe('the publisher, on the real stream', () => {
  it('publishes exactly one event per committed change, with the right type, version and previousStatus', async () => {
    putEntries = [];
    const scope = freshScope();
    const { connection } = await repo.create({
      scope,
      input: {
        sourceResourceType: 'terminal',
        sourceResourceId: 't-1',
        targetResourceType: 'instance',
        targetResourceId: 'i-1',
      },
      actor: 'alice',
    });
    await repo.update({ scope, id: connection.id, patch: { status: 'connecting' }, actor: 'worker' });
    await repo.update({ scope, id: connection.id, patch: { details: { port: 22 } }, actor: 'worker' });
    await repo.delete({ scope, id: connection.id, actor: 'bob' });
    await repo.restore({ scope, id: connection.id, actor: 'carol' });
    // Every item the changes wrote is in the stream: connection, guard, history entries.
    const batch = await recordsOf(scope.projectSlug, 5 + 3 + 5);

    const result = await handler(lambdaEvent(batch));

    expect(result.batchItemFailures).toEqual([]);
    expect(
      putEntries.flat().every((e) => e.Source === 'resource-connections' && e.EventBusName === 'connections-test-bus'),
    ).toBe(true);
    expect(published().map((e) => [e.type, e.detail.version, e.detail.actor])).toEqual([
      ['Connection Created', 1, 'alice'],
      ['Connection Status Changed', 2, 'worker'],
      ['Connection Updated', 3, 'worker'],
      ['Connection Deleted', 4, 'bob'],
      ['Connection Restored', 5, 'carol'],
    ]);
    const [created, statusChanged, updated] = published();
    expect(created!.detail).toMatchObject({
      eventId: `${connection.id}:1`,
      connection: { id: connection.id, status: 'pending' },
      occurredAt: connection.createdAt,
    });
    expect(created!.detail.connection).not.toHaveProperty('pk');
    expect(statusChanged!.detail).toMatchObject({
      previousStatus: 'pending',
      changes: { status: { from: 'pending', to: 'connecting' } },
    });
    expect(updated!.detail.changes).toEqual({ details: { from: {}, to: { port: 22 } } });
  });

  it('publishes nothing for refused changes', async () => {
    const scope = freshScope();
    const input = {
      sourceResourceType: 'terminal',
      sourceResourceId: 't-1',
      targetResourceType: 'instance',
      targetResourceId: 'i-1',
    } as const;
    const { connection } = await repo.create({ scope, input, actor: 'u' });
    await expect(repo.create({ scope, input, actor: 'u' })).rejects.toThrow();
    await expect(
      repo.update({ scope, id: connection.id, patch: { status: 'connected' }, actor: 'u' }),
    ).rejects.toThrow();
    await expect(
      repo.update({ scope, id: connection.id, patch: { statusReason: 'x' }, actor: 'u', ifMatch: [9] }),
    ).rejects.toThrow();
    await repo.update({ scope, id: connection.id, patch: { status: 'connecting' }, actor: 'u' });
    const batch = await recordsOf(scope.projectSlug, 3 + 2);
    putEntries = [];

    await handler(lambdaEvent(batch));

    expect(published().map((e) => [e.type, e.detail.version])).toEqual([
      ['Connection Created', 1],
      ['Connection Status Changed', 2],
    ]);
  });

  it('reports the first event EventBridge refused, so the stream retries from there', async () => {
    const scope = freshScope();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { connection } = await repo.create({
        scope,
        input: {
          sourceResourceType: 'terminal',
          sourceResourceId: `t-${i}`,
          targetResourceType: 'instance',
          targetResourceId: 'i-1',
        },
        actor: 'u',
      });
      ids.push(connection.id);
    }
    const batch = await recordsOf(scope.projectSlug, 9);
    const secondConnection = batch.find(
      (r) => JSON.stringify(r.dynamodb?.Keys).includes(ids[1]!) && r.dynamodb?.NewImage?.sk?.S === 'CONNECTION',
    );
    answer = (entries) =>
      entries.map((_, i) => (i === 1 ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : { EventId: 'e' }));

    const result = await handler(lambdaEvent(batch));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: secondConnection!.dynamodb!.SequenceNumber }]);
  });

  it('reports the whole batch when EventBridge cannot be reached', async () => {
    const scope = freshScope();
    await repo.create({
      scope,
      input: {
        sourceResourceType: 'terminal',
        sourceResourceId: 't',
        targetResourceType: 'instance',
        targetResourceId: 'i',
      },
      actor: 'u',
    });
    const batch = await recordsOf(scope.projectSlug, 3);
    answer = () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'TimeoutError' });
    };

    const result = await handler(lambdaEvent(batch));

    expect(result.batchItemFailures).toEqual([
      { itemIdentifier: batch.find((r) => r.dynamodb?.NewImage?.sk?.S === 'CONNECTION')!.dynamodb!.SequenceNumber },
    ]);
  });
});
