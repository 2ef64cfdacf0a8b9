/** Idempotency-Key on create, against DynamoDB Local. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DuplicateConnectionError, IdempotencyKeyReusedError } from '#model/errors.ts';
import { keys } from '#store/keys.ts';
import type { CreateConnectionInput } from '#model/inputs.ts';
import { client, freshScope, newRepository, tableName } from '../support/integration.ts';

const repo = newRepository();
const pair = (app = 'app-1'): CreateConnectionInput => ({
  sourceResourceType: 'application',
  sourceResourceId: app,
  targetResourceType: 'instance',
  targetResourceId: 'i-1',
});

describe('Idempotency-Key', () => {
  it('answers a repeat with the first connection, marked replayed, and creates nothing more', async () => {
    const scope = freshScope();
    const first = await repo.create({
      scope,
      input: { ...pair(), details: { a: 1, b: 2 } },
      actor: 'u',
      idempotencyKey: 'key-1',
    });

    const again = await repo.create({
      scope,
      input: { details: { b: 2, a: 1 }, ...pair() },
      actor: 'u',
      idempotencyKey: 'key-1',
    });

    expect(first.replayed).toBe(false);
    expect(again).toEqual({ connection: first.connection, replayed: true });
    expect((await repo.list({ scope, query: {} })).items).toHaveLength(1);
  });

  it('refuses the same key with a different body (422), and writes nothing', async () => {
    const scope = freshScope();
    await repo.create({ scope, input: pair('app-1'), actor: 'u', idempotencyKey: 'key-1' });

    await expect(
      repo.create({ scope, input: pair('app-2'), actor: 'u', idempotencyKey: 'key-1' }),
    ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);

    expect((await repo.list({ scope, query: {} })).items).toHaveLength(1);
  });

  it('keeps keys apart per caller and per environment', async () => {
    const scope = freshScope();
    await repo.create({ scope, input: pair('app-1'), actor: 'alice', idempotencyKey: 'shared-key' });

    const bob = await repo.create({ scope, input: pair('app-2'), actor: 'bob', idempotencyKey: 'shared-key' });
    const otherEnv = await repo.create({
      scope: { ...scope, environmentSlug: 'prod' },
      input: pair('app-3'),
      actor: 'alice',
      idempotencyKey: 'shared-key',
    });

    expect(bob.replayed).toBe(false);
    expect(otherEnv.replayed).toBe(false);
  });

  it('gives every one of many simultaneous repeats the same connection, created once', async () => {
    const scope = freshScope();

    const results = await Promise.all(
      Array.from({ length: 12 }, () => repo.create({ scope, input: pair(), actor: 'u', idempotencyKey: 'race-key' })),
    );

    expect(new Set(results.map((r) => r.connection.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect((await repo.list({ scope, query: {} })).items).toHaveLength(1);
  });

  it('forgets a key after 24 hours: the same request then runs again', async () => {
    const scope = freshScope();
    const first = await repo.create({ scope, input: pair(), actor: 'u', idempotencyKey: 'old-key' });
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.idempotency(scope, 'u', 'old-key'),
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
      }),
    );

    const again = repo.create({ scope, input: pair(), actor: 'u', idempotencyKey: 'old-key' });

    // It runs again and meets the live connection the first request made.
    await expect(again).rejects.toBeInstanceOf(DuplicateConnectionError);
    await expect(again).rejects.toMatchObject({ extensions: { existingConnectionId: first.connection.id } });
  });

  it('records nothing for a request that failed, so a corrected retry is not a reuse', async () => {
    const scope = freshScope();
    await repo.create({ scope, input: pair(), actor: 'u' });

    await expect(repo.create({ scope, input: pair(), actor: 'u', idempotencyKey: 'retry-key' })).rejects.toBeInstanceOf(
      DuplicateConnectionError,
    );
    const retry = await repo.create({ scope, input: pair('app-2'), actor: 'u', idempotencyKey: 'retry-key' });

    expect(retry.replayed).toBe(false);
  });
});
