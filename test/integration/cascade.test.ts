/**
 * The cascade's bounds (docs/api.md, Routes): it works until done or until its time budget runs out, and
 * says `complete: true` only when no live connection of the resource remains, even when the index
 * it reads lags behind the table.
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes.ts';
import { keys } from '#store/keys.ts';
import type { Scope } from '#model/vocabulary.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { TABLE } from '#store/table-definition.ts';
import { invoke, type LambdaHandler } from '../../testkit/events.ts';
import { apiEvent } from '../../testkit/requests.ts';
import { client, freshScope, newRepository, pageTokenSecret, tableName } from '../support/integration.ts';

const repo = newRepository();
const server = (id: string) => ({ type: 'instance', id }) as const;
const appOn = (app: string, serverId: string) => ({
  sourceResourceType: 'application' as const,
  sourceResourceId: app,
  targetResourceType: 'instance' as const,
  targetResourceId: serverId,
});

async function seed(scope: Scope, serverId: string, count: number) {
  const made = [];
  for (let i = 0; i < count; i += 25) {
    const batch = Array.from({ length: Math.min(25, count - i) }, (_, j) =>
      repo.create({ scope, input: appOn(`app-${String(i + j).padStart(4, '0')}`, serverId), actor: 'seed' }),
    );
    made.push(...(await Promise.all(batch)).map((c) => c.connection));
  }
  return made;
}

/** Whether every one is deleted, by strongly consistent reads of the table itself. */
async function allDeleted(scope: Scope, ids: readonly string[]): Promise<boolean> {
  const read = await Promise.all(ids.map((id) => repo.get({ scope, id, includeDeleted: true })));
  return read.every((c) => c.deletedAt !== undefined);
}

describe('a small time budget', () => {
  let handler: LambdaHandler;

  beforeAll(async () => {
    // The handler reads its configuration when first imported.
    process.env.CASCADE_TIME_BUDGET_MS = '1';
    const route = ROUTES.find((r) => r.id === 'deleteResourceConnections')!;
    handler = ((await import(`../../functions/handlers/${route.handler}.ts`)) as { handler: LambdaHandler }).handler;
    delete process.env.CASCADE_TIME_BUDGET_MS;
  });

  function cascade(scope: Scope, serverId: string) {
    const path = { resourceType: 'instance', resourceId: serverId };
    return invoke(handler, apiEvent('deleteResourceConnections', scope, { path }));
  }

  it('answers 202 complete: false with Retry-After, then 200 complete: true on repeat, with nothing left', async () => {
    const scope = freshScope();
    const made = await seed(scope, 'i-budget', 60);

    const first = await cascade(scope, 'i-budget');
    expect(first.statusCode).toBe(202);
    expect(first.body).toEqual({ deleted: 25, complete: false });
    expect(Number(first.headers['retry-after'])).toBeGreaterThan(0);

    const answers = [first];
    while (answers.at(-1)!.statusCode === 202 && answers.length < 10) answers.push(await cascade(scope, 'i-budget'));

    const last = answers.at(-1)!;
    expect(last.statusCode).toBe(200);
    expect(last.body.complete).toBe(true);
    expect(answers.reduce((sum, a) => sum + Number(a.body.deleted), 0)).toBe(60);
    expect(
      await allDeleted(
        scope,
        made.map((c) => c.id),
      ),
    ).toBe(true);
    expect((await cascade(scope, 'i-budget')).body).toEqual({ deleted: 0, complete: true });
  });
});

describe('a stop time', () => {
  it('starts no batch after it, whatever time the budget leaves: 202 after the first batch', async () => {
    const scope = freshScope();
    await seed(scope, 'i-stop', 30);

    // The store's budget (20 s) would finish all 30; the function's time left says stop now.
    const result = await repo.deleteAllForResource({
      scope,
      resource: server('i-stop'),
      actor: 'platform',
      stopAt: Date.now(),
    });

    expect(result).toEqual({ deleted: 25, complete: false });
  });
});

/**
 * A client whose index Queries for one resource also return stale entries, ahead of the live ones:
 * the images of connections that the table has deleted since, as a lagging GSI still shows them.
 */
function laggingIndex(real: DynamoDBDocumentClient, stale: readonly Record<string, unknown>[]): DynamoDBDocumentClient {
  const index = TABLE.indexes.byTarget;
  const staleKey = String(stale[0]![index.partitionKey]);
  const send = async (command: unknown) => {
    const input = (command as { input: QueryCommandInput }).input;
    if (!(command instanceof QueryCommand) || input.IndexName !== index.indexName) return real.send(command as never);
    if (input.ExpressionAttributeValues?.[':pk'] !== staleKey) return real.send(command as never);
    const live: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await real.send(new QueryCommand({ ...input, Limit: undefined, ExclusiveStartKey: start }));
      live.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    const sk = (item: Record<string, unknown>) => String(item[index.sortKey]);
    // The key conditions the store writes: a range of sort keys, either end optional.
    const values = input.ExpressionAttributeValues;
    const lo = values[':lo'] === undefined ? '' : String(values[':lo']);
    const hi = values[':hi'] === undefined ? '\uffff' : String(values[':hi']);
    const merged = [...stale, ...live]
      .filter((item) => sk(item) >= lo && sk(item) <= hi)
      .sort((a, b) => (sk(a) < sk(b) ? -1 : 1));
    const items = merged.slice(0, input.Limit ?? merged.length);
    const last = items.at(-1);
    // As DynamoDB does: a Query that stops at its Limit names where it stopped.
    const more = items.length === input.Limit && last;
    return {
      Items: items,
      Count: items.length,
      ScannedCount: items.length,
      ...(more
        ? {
            LastEvaluatedKey: Object.fromEntries(
              [TABLE.partitionKey, TABLE.sortKey, index.partitionKey, index.sortKey].map((k) => [k, last[k]]),
            ),
          }
        : {}),
    };
  };
  return { send } as unknown as DynamoDBDocumentClient;
}

describe('an index that lags behind the table', () => {
  // 150 creates and 120 deletes before the cascade, then two passes over 150 entries: slow on a busy machine.
  it(
    'pages past stale entries to the live ones behind them, and says complete only when none is live',
    { timeout: 180_000 },
    async () => {
      const scope = freshScope();
      const made = await seed(scope, 'i-lag', 150);
      // The index images of the first 120, then deleted for real: the lagging index still shows them.
      const images = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: TABLE.indexes.byTarget.indexName,
          KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': keys.resourcePartitions(scope, 'LIVE', server('i-lag'), 1)[0],
            ':prefix': keys.resourcePrefix('instance', 'i-lag'),
          },
          Limit: 120,
        }),
      );
      const stale = images.Items!;
      expect(stale).toHaveLength(120);
      for (let i = 0; i < stale.length; i += 20) {
        await Promise.all(
          stale.slice(i, i + 20).map((item) => repo.delete({ scope, id: String(item.id), actor: 'earlier' })),
        );
      }
      // What is checked is when it says complete, not how fast: a budget no busy machine runs out of.
      const lagging = new ConnectionRepository({
        client: laggingIndex(client, stale),
        tableName,
        pageTokenSecret,
        cascadeTimeBudgetMs: 120_000,
      });

      const result = await lagging.deleteAllForResource({ scope, resource: server('i-lag'), actor: 'platform' });

      expect(result).toEqual({ deleted: 30, complete: true });
      expect(
        await allDeleted(
          scope,
          made.map((c) => c.id),
        ),
      ).toBe(true);
    },
  );
});
