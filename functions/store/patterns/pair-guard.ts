/**
 * The pair guard: one item per live (source, target) pair, claimed in the transaction that makes a
 * connection live (create, restore) and released in the one that deletes it, so that duplicates are
 * impossible under any concurrency.
 */
import { scopeOf } from '#domain/connection.ts';
import type { Connection } from '#model/representations.ts';
import { DuplicateConnectionError } from '#model/errors.ts';
import type { CreateConnectionInput } from '#model/inputs.ts';
import { keys } from '../keys.ts';
import type { Scope } from '#model/vocabulary.ts';
import type { TransactItem, WriteBudget } from '../transactions.ts';
import { getItem, type StoreTable } from './table.ts';

type Pair = Pick<
  CreateConnectionInput,
  'sourceResourceType' | 'sourceResourceId' | 'targetResourceType' | 'targetResourceId'
>;

const guardKey = (scope: Scope, c: Pair) =>
  keys.pairGuard(
    scope,
    { type: c.sourceResourceType, id: c.sourceResourceId },
    { type: c.targetResourceType, id: c.targetResourceId },
  );

export function guardClaim(table: StoreTable, c: Connection): TransactItem {
  return {
    Put: {
      TableName: table.tableName,
      Item: { ...guardKey(scopeOf(c), c), connectionId: c.id, createdAt: c.updatedAt },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

export function guardRelease(table: StoreTable, c: Connection): TransactItem {
  return {
    Delete: {
      TableName: table.tableName,
      Key: guardKey(scopeOf(c), c),
      ConditionExpression: 'connectionId = :id',
      ExpressionAttributeValues: { ':id': c.id },
    },
  };
}

/** 409 naming the live connection that holds the pair, if there is one. */
export async function checkPairFree(table: StoreTable, scope: Scope, pair: Pair, budget?: WriteBudget): Promise<void> {
  const guard = await getItem(table, guardKey(scope, pair), budget);
  if (guard) throw new DuplicateConnectionError(String(guard.connectionId));
}

/**
 * The claim of `c`'s guard failed (`failed`: the guard as it then was, if DynamoDB returned it).
 * Another live connection holding the pair is a 409 naming it. Returns when the guard is free again
 * or held by `c` itself (a racing restore of the same connection won): a lost race, worth a re-read,
 * which then answers what the winner left (409 CONNECTION_NOT_DELETED, or 412 against If-Match).
 */
export async function throwIfHeldByAnother(
  table: StoreTable,
  failed: { item?: Record<string, unknown> },
  c: Connection,
  budget?: WriteBudget,
): Promise<void> {
  const holder = failed.item ?? (await getItem(table, guardKey(scopeOf(c), c), budget));
  if (holder && holder.connectionId !== c.id) throw new DuplicateConnectionError(String(holder.connectionId));
}
