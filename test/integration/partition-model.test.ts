/**
 * The partition model (testkit/partition-model.ts) against DynamoDB Local: it charges by AWS's
 * rules, and the store meets docs/capacity.md's capacity budgets under it; it throttles a partition past
 * its rate, as DynamoDB does, and a throttled request writes nothing.
 */
import { PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '#model/errors.ts';
import { createDocumentClient } from '#store/client.ts';
import { keys } from '#store/keys.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { DEFAULT_SHARD_GROWTH, TABLE } from '#store/table-definition.ts';
import { attachPartitionModel, totals } from '../../testkit/partition-model.ts';
import { freshScope, pageTokenSecret, tableName } from '../support/integration.ts';

const client = createDocumentClient(process.env.DYNAMODB_ENDPOINT);
const model = attachPartitionModel(client, { projection: TABLE.projection });
model.throttling = false;
const repo = new ConnectionRepository({ client, tableName, pageTokenSecret });
afterAll(() => model.detach());

/** JSON details of exactly `bytes` bytes. */
const detailsOf = (bytes: number) => (bytes === 0 ? {} : { notes: 'x'.repeat(bytes - '{"notes":""}'.length) });
const pair = (app: string) => ({
  sourceResourceType: 'application' as const,
  sourceResourceId: app,
  targetResourceType: 'instance' as const,
  targetResourceId: `${app}-server`,
});

async function cost<T>(work: () => Promise<T>) {
  model.reset();
  await work();
  return { ...totals(model.charges), charges: model.charges };
}

describe.each([0, 1024, 4096])('with %i bytes of details', (bytes) => {
  it('changes a status for at most 11 WRU (13 at 4 KB), the details untouched', async () => {
    const scope = freshScope();
    const { connection } = await repo.create({
      scope,
      input: { ...pair('app-1'), details: detailsOf(bytes) },
      actor: 'u',
    });

    const change = await cost(() =>
      repo.update({ scope, id: connection.id, patch: { status: 'connecting' }, actor: 'u' }),
    );

    expect(change.write).toBeLessThanOrEqual(bytes > 1024 ? 13 : 11);
    // The connection item twice and its history entry twice; four index entries, byStatus moving.
    const written = change.charges.find((c) => c.operation === 'TransactWriteItems')!;
    const byIndex = (name: string) => [...written.partitions].filter(([p]) => p.startsWith(`${name}|`));
    expect(byIndex('byStatus')).toHaveLength(2);
    for (const index of ['bySource', 'byTarget', 'byEnvironment']) expect(byIndex(index)).toHaveLength(1);
  });

  it('changes only the details of a waiting connection without writing its keys-only deadline entry', async () => {
    const scope = freshScope();
    const { connection } = await repo.create({ scope, input: pair('app-3'), actor: 'u' });

    const change = await cost(() =>
      repo.update({ scope, id: connection.id, patch: { details: detailsOf(bytes || 16) }, actor: 'u' }),
    );

    const written = change.charges.find((c) => c.operation === 'TransactWriteItems')!;
    const partitions = [...written.partitions].map(([p]) => p.split('|')[0]);
    expect(partitions).toContain('byStatus');
    expect(partitions).not.toContain('byDeadline');
  });

  it('creates with an Idempotency-Key for less than the 22 WRU it cost before', async () => {
    const create = await cost(() =>
      repo.create({
        scope: freshScope(),
        input: { ...pair('app-2'), details: detailsOf(bytes) },
        actor: 'u',
        idempotencyKey: 'k',
      }),
    );

    if (bytes <= 1024) expect(create.write).toBeLessThan(22);
  });
});

it('reads a whole-environment graph page for at most 0.12 RRU per edge at 1 KB of details', async () => {
  const scope = freshScope();
  // In batches of 12 at once: one by one, 120 creates outlast the test's time on a busy machine.
  for (let batch = 0; batch < 120; batch += 12) {
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        repo.create({ scope, input: { ...pair(`app-${batch + i}`), details: detailsOf(1024) }, actor: 'u' }),
      ),
    );
  }

  const page = await cost(() => repo.graph({ scope, query: { limit: 100 } }));

  expect(page.read / 100).toBeLessThanOrEqual(0.12);
});

it('throttles a partition past its rate; the store gives up on what it throttled, and that wrote nothing', async () => {
  const scope = freshScope();
  // The design before: one partition per environment, details in every index entry. One WRU a
  // second: 30 updates at once overrun it however slowly DynamoDB Local answers them.
  const slowClient = createDocumentClient(process.env.DYNAMODB_ENDPOINT);
  const slow = attachPartitionModel(slowClient, { projection: 'ALL', writeUnitsPerSecond: 1 });
  slow.throttling = false;
  const before = new ConnectionRepository({
    client: slowClient,
    tableName,
    pageTokenSecret,
    layout: { shards: { ...DEFAULT_SHARD_GROWTH, max: 1 }, inlineDetailsBytes: Infinity },
  });
  const made = [];
  for (let i = 0; i < 30; i++)
    made.push((await before.create({ scope, input: pair(`app-${i}`), actor: 'u' })).connection);
  slow.throttling = true;
  slow.reset();

  const results = await Promise.allSettled(
    made.map((c) => before.update({ scope, id: c.id, patch: { status: 'connecting' }, actor: 'u' })),
  );

  const refused = results.filter((r) => r.status === 'rejected');
  expect(refused.length).toBeGreaterThan(0);
  for (const r of refused) expect(r.reason).toBeInstanceOf(ServiceUnavailableError);
  expect(slow.charges.some((c) => c.throttled)).toBe(true);
  slow.throttling = false;
  const after = await Promise.all(made.map((c) => before.get({ scope, id: c.id })));
  expect(after.filter((c) => c.version === 2)).toHaveLength(results.length - refused.length);
  slow.detach();
});

describe('charging rules', () => {
  it('charges nothing for a transaction a condition cancels: a duplicate create writes nothing', async () => {
    const scope = freshScope();
    await repo.create({ scope, input: pair('app-dup'), actor: 'u' });

    const duplicate = await cost(() =>
      repo.create({ scope, input: pair('app-dup'), actor: 'u' }).catch(() => undefined),
    );

    const refused = duplicate.charges.filter((c) => c.operation === 'TransactWriteItems');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((c) => c.writeUnits === 0 && !c.throttled)).toBe(true);
  });

  it('charges an Update by the item it leaves, and a ConditionCheck twice the checked item', async () => {
    const scope = freshScope();
    const key = { pk: `MODEL#${scope.projectSlug}`, sk: 'x' };
    await client.send(new PutCommand({ TableName: tableName, Item: { ...key, big: 'b'.repeat(1500) } }));

    const update = await cost(() =>
      client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: 'SET big = :small, n = :n',
          ExpressionAttributeValues: { ':small': 's', ':n': 1 },
        }),
      ),
    );
    const check = await cost(() =>
      client.send(
        new TransactWriteCommand({
          TransactItems: [
            { ConditionCheck: { TableName: tableName, Key: key, ConditionExpression: 'attribute_exists(pk)' } },
            { Put: { TableName: tableName, Item: { pk: `MODEL#${scope.projectSlug}`, sk: 'y' } } },
          ],
        }),
      ),
    );

    // The larger of before (1.5 KB) and after: 2 WCU.
    expect(update.write).toBe(2);
    // The checked item (small after the update) twice, the Put twice.
    expect(check.write).toBe(4);
  });

  it('charges a COUNT query by the size of the items it examined, as the same Query returning them', async () => {
    const scope = freshScope();
    for (let i = 0; i < 30; i++)
      await repo.create({ scope, input: { ...pair(`app-${i}`), details: detailsOf(180) }, actor: 'u' });
    const query = {
      TableName: tableName,
      IndexName: TABLE.indexes.byEnvironment.indexName,
      KeyConditionExpression: 'gsi4pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.indexPartitions('byEnvironment', scope, 'LIVE', { shardCount: 1 })[0] },
    };

    const counted = await cost(() => client.send(new QueryCommand({ ...query, Select: 'COUNT' })));
    const read = await cost(() => client.send(new QueryCommand(query)));

    expect(counted.read).toBe(read.read);
    // 30 entries of about 0.45 KB: 4 RCU consistent, 2 eventually; not 30 × 400 B.
    expect(counted.read).toBeGreaterThan(1);
  });

  it('throttles past a new table’s 4,000 WCU/s (1:100) however the writes spread over partitions', async () => {
    const spread = createDocumentClient(process.env.DYNAMODB_ENDPOINT);
    const table = attachPartitionModel(spread, { projection: TABLE.projection, table: 'new' });
    const warm = createDocumentClient(process.env.DYNAMODB_ENDPOINT);
    const warmed = attachPartitionModel(warm, { projection: TABLE.projection, table: 'warm' });
    const put = (c: typeof spread, i: number) =>
      c.send(new PutCommand({ TableName: tableName, Item: { pk: `SPREAD#${i}#${Math.random()}`, sk: 'x' } }));
    try {
      // 120 one-unit writes, each to a partition of its own, at once: 3 s of a new table's 40 WCU/s.
      await Promise.allSettled(Array.from({ length: 120 }, (_, i) => put(spread, i)));
      await Promise.allSettled(Array.from({ length: 120 }, (_, i) => put(warm, i)));

      expect(table.charges.some((c) => c.throttled)).toBe(true);
      expect(warmed.charges.some((c) => c.throttled)).toBe(false);
    } finally {
      table.detach();
      warmed.detach();
    }
  });
});
