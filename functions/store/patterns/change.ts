/**
 * The versioned read-decide-write loop that patch, delete and restore share: read the connection
 * (consistent), decide (a pure function of what was read), then write it on the condition that the
 * version read is still current, in one transaction with its history entry and, for a delete or a
 * restore, the release or claim of its pair guard. A lost race reads again and decides anew: with
 * If-Match, the new version is then the caller's 412.
 */
import { toConnection, toItem } from '../connection-item.ts';
import type { Changes } from '#domain/connection.ts';
import type { Connection } from '#model/representations.ts';
import {
  checkApplicable,
  nextVersion,
  notFound,
  statusSince,
  type Decision,
  type VersionPrecondition,
} from '#domain/decisions.ts';
import { ServiceUnavailableError } from '#model/errors.ts';
import { historyPut } from '../history.ts';
import { keys } from '../keys.ts';
import type { Scope } from '#model/vocabulary.ts';
import { backOff, CONCURRENCY_RETRIES, isRetryableCancellation, Transaction } from '../transactions.ts';
import { guardClaim, guardRelease, throwIfHeldByAnother } from './pair-guard.ts';
import { getItem, type StoreTable } from './table.ts';

export interface ChangeOptions {
  readonly scope: Scope;
  readonly id: string;
  readonly actor: string;
  readonly ifMatch?: VersionPrecondition;
}

/** A connection after a change, and what changed (empty when the request changed nothing). */
export interface Changed {
  readonly connection: Connection;
  readonly changes: Changes;
}

export interface ChangeTarget {
  /** Which connections the change applies to: live ones, or (restore) deleted ones. */
  readonly deleted: boolean;
  /** The connection as a listing just read it: the first attempt skips the read. */
  readonly known?: Connection | undefined;
}

/** A connection as stored: its representation, and when it entered its status (kept while it has a deadline). */
interface Stored {
  readonly connection: Connection;
  readonly statusSince?: string | undefined;
}

async function readStored(
  table: StoreTable,
  { scope, id, includeDeleted = false }: { scope: Scope; id: string; includeDeleted?: boolean | undefined },
): Promise<Stored> {
  const item = await getItem(table, keys.connection(scope, id));
  if (!item || (item.deletedAt !== undefined && !includeDeleted)) throw notFound();
  return { connection: toConnection(item), statusSince: item.statusSince as string | undefined };
}

export async function readConnection(
  table: StoreTable,
  options: { scope: Scope; id: string; includeDeleted?: boolean | undefined },
): Promise<Connection> {
  return (await readStored(table, options)).connection;
}

export async function change(
  table: StoreTable,
  { scope, id, actor, ifMatch }: ChangeOptions,
  { deleted, known }: ChangeTarget,
  /** `since`: when `current` entered its status, as stored (unknown for a `known` connection). */
  decide: (current: Connection, now: string, since: string | undefined) => Decision,
): Promise<Changed> {
  for (let attempt = 1; ; attempt++) {
    const stored =
      known && attempt === 1 ? { connection: known } : await readStored(table, { scope, id, includeDeleted: true });
    const current = stored.connection;
    checkApplicable(current, { deleted, ifMatch });
    const now = new Date().toISOString();
    const decision = decide(current, now, stored.statusSince);
    const { next, changes } = nextVersion(current, decision, { actor, now });
    if (next === current) return { connection: current, changes };
    const transaction = new Transaction({
      connection: {
        Put: {
          TableName: table.tableName,
          Item: toItem(next, statusSince(current, next, stored.statusSince)),
          ConditionExpression: `version = :version AND ${deleted ? 'attribute_exists' : 'attribute_not_exists'}(deletedAt)`,
          ExpressionAttributeValues: { ':version': current.version },
        },
      },
      guardClaim: decision.guard === 'claim' ? guardClaim(table, next) : undefined,
      guardRelease: decision.guard === 'release' ? guardRelease(table, current) : undefined,
      history: historyPut(table.tableName, current, next, decision.action, changes),
    });
    try {
      await transaction.write(table.client);
      return { connection: next, changes };
    } catch (error) {
      const guardTaken = transaction.conditionFailed(error, 'guardClaim');
      if (guardTaken) await throwIfHeldByAnother(table, guardTaken, next);
      else if (!transaction.conditionFailed(error, 'connection') && !isRetryableCancellation(error)) throw error;
      // Lost a race: the next read decides again (404, 409, 412 against If-Match, or a fresh attempt).
      if (attempt >= CONCURRENCY_RETRIES) throw new ServiceUnavailableError(1);
      await backOff(attempt);
    }
  }
}
