/**
 * Create: one transaction writes the connection, claims its pair guard, writes its first history
 * entry and, with an Idempotency-Key, the key's record. A repeat of the same key answers the first
 * result; the record commits with the connection, so there is no window with one and not the other.
 * Its index entries go under the environment's writers' shard count; a throttled create, and one
 * create in many (a size check), may give the environment more shards (shards.ts).
 */
import { detailsInline, toDetailsItem, toItem } from '../connection-item.ts';
import type { Connection } from '#model/representations.ts';
import { checkPair, newConnection, statusSince } from '#domain/decisions.ts';
import { newConnectionId } from '#domain/ids.ts';
import { IdempotencyKeyReusedError, ServiceUnavailableError } from '#model/errors.ts';
import type { CreateConnectionInput } from '#model/inputs.ts';
import { historyPut } from '../history.ts';
import { idempotencyPut, idempotencyRequest, recordedConnection, type IdempotencyRequest } from '../idempotency.ts';
import { DEFAULT_DEADLINE_SECONDS, type Scope } from '#model/vocabulary.ts';
import { classifyWriteError, Transaction, WriteBudget } from '../transactions.ts';
import { checkPairFree, guardClaim, throwIfHeldByAnother } from './pair-guard.ts';
import { getItem, type StoreTable } from './table.ts';

export interface CreateOptions {
  readonly scope: Scope;
  readonly input: CreateConnectionInput;
  readonly actor: string;
  readonly idempotencyKey?: string | undefined;
}

export interface Created {
  readonly connection: Connection;
  /** True when an Idempotency-Key repeat answered the first request's connection. */
  readonly replayed: boolean;
}

export async function create(
  table: StoreTable,
  { scope, input, actor, idempotencyKey }: CreateOptions,
): Promise<Created> {
  const idempotency =
    idempotencyKey === undefined ? undefined : idempotencyRequest(scope, actor, idempotencyKey, input);
  const earlier = idempotency && (await replay(table, idempotency));
  if (earlier) return earlier;

  const now = new Date().toISOString();
  const deadlines = table.deadlines ?? DEFAULT_DEADLINE_SECONDS;
  const connection = newConnection(scope, input, { id: newConnectionId(), actor, now, deadlines });
  const inline = detailsInline(connection.details, table.layout);
  const transaction = new Transaction({
    connection: {
      Put: {
        TableName: table.tableName,
        Item: toItem(connection, {
          detailsVersion: inline ? undefined : connection.version,
          statusSince: statusSince(undefined, connection),
          shardCount: await table.shards.writeCount(scope),
        }),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    details: inline
      ? undefined
      : { Put: { TableName: table.tableName, Item: toDetailsItem(connection, connection.version) } },
    guard: guardClaim(table, connection),
    history: historyPut(table, undefined, connection, 'created'),
    idempotency: idempotency && idempotencyPut(table.tableName, idempotency, connection),
  });
  const budget = new WriteBudget();
  let askedForShards = false;
  for (;;) {
    try {
      await transaction.write(table.client);
      await table.shards.afterCreate(scope, connection.id);
      return { connection, replayed: false };
    } catch (error) {
      budget.wrote(error);
      const failure = classifyWriteError(error, transaction, { claims: ['idempotency', 'guard'] });
      switch (failure.next) {
        case 'give-up':
          throw error;
        case 'retry':
          if (!askedForShards) await table.shards.afterThrottle(scope);
          askedForShards = true;
          // Nothing was written: the same transaction goes again, without reading anything.
          if (await budget.retry(false)) continue;
          throw new ServiceUnavailableError();
        case 'taken':
          if (failure.claim === 'guard') await throwIfHeldByAnother(table, failure.holder, connection, budget);
          else {
            // The same key won a race with this request: answer what it answered.
            const replayed = await replay(table, idempotency!, budget);
            if (replayed) return replayed;
          }
          break;
        case 'reread': {
          // Cancelled by a concurrent write, most often the winner of this very pair: once it has
          // committed, answer as if it had come first (its replay, or 409) rather than spend retries.
          const replayed = idempotency && (await replay(table, idempotency, budget));
          if (replayed) return replayed;
          await checkPairFree(table, scope, input, budget);
        }
      }
      if (!(await budget.retry(true))) throw new ServiceUnavailableError();
    }
  }
}

/** Every check a create runs (pair rule, duplicate), writing nothing. */
export async function checkCreate(
  table: StoreTable,
  { scope, input }: Pick<CreateOptions, 'scope' | 'input'>,
): Promise<void> {
  checkPair(input);
  await checkPairFree(table, scope, input);
}

/** The first answer to this idempotency key, if it is still kept; 422 if the body differs. */
async function replay(
  table: StoreTable,
  request: IdempotencyRequest,
  budget?: WriteBudget,
): Promise<Created | undefined> {
  const recorded = recordedConnection(await getItem(table, request.key, budget));
  if (!recorded) return undefined;
  if (recorded.fingerprint !== request.fingerprint) throw new IdempotencyKeyReusedError();
  return { connection: recorded.connection, replayed: true };
}
