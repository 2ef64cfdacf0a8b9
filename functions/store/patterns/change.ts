/**
 * The versioned read-decide-write loop that patch, delete and restore share: read the connection
 * with its details (one consistent Query), decide (a pure function of what was read), then write
 * it on the condition that the version read is still current, in one transaction with its history
 * entry, its details item when the change moved its details, and, for a delete or a restore, the
 * release or claim of its pair guard. Its index entries go under the environment's writers' shard
 * count (shards.ts), so a change also moves them to their shard after a growth. A lost race reads
 * again and decides anew: with If-Match, the new version is then the caller's 412. A throttled
 * transaction is sent again as it was, within the write budget, and asks for more shards.
 */
import {
  detailsInline,
  detailsVersionOf,
  expiryAfter,
  isExpired,
  toDetailsItem,
  toItem,
  type DetailsVersion,
} from '../connection-item.ts';
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
import { connectionOf } from '../details.ts';
import { historyPut } from '../history.ts';
import { keys } from '../keys.ts';
import { DEFAULT_RETENTION_DAYS, type Scope } from '#model/vocabulary.ts';
import { classifyWriteError, Transaction, WriteBudget, type TransactItem } from '../transactions.ts';
import { guardClaim, guardRelease, throwIfHeldByAnother } from './pair-guard.ts';
import { readConnectionItems, type StoreTable } from './table.ts';

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

/**
 * A connection as stored: its representation, which version's details item holds its details, and
 * when it entered its status (kept while it has a deadline; unknown for a connection a listing read).
 */
export interface Stored {
  readonly connection: Connection;
  readonly detailsVersion: DetailsVersion;
  readonly statusSince?: string | undefined;
}

export interface ChangeTarget {
  /** Which connections the change applies to: live ones, or (restore) deleted ones. */
  readonly deleted: boolean;
  /** The connection as a listing just read it: the first attempt skips the read. */
  readonly known?: Stored | undefined;
}

export async function readStored(
  table: StoreTable,
  { scope, id, includeDeleted = false }: { scope: Scope; id: string; includeDeleted?: boolean | undefined },
  budget?: WriteBudget,
): Promise<Stored> {
  const { item, details } = await readConnectionItems(table, scope, id, budget);
  // Past its retention it is gone, whether or not DynamoDB has deleted it yet.
  if (!item || isExpired(item) || (item.deletedAt !== undefined && !includeDeleted)) throw notFound();
  return {
    connection: await connectionOf(table, scope, item, details, budget),
    detailsVersion: detailsVersionOf(item),
    statusSince: item.statusSince as string | undefined,
  };
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
  const budget = new WriteBudget();
  let current = known ?? (await readStored(table, { scope, id, includeDeleted: true }, budget));
  let askedForShards = false;
  for (;;) {
    checkApplicable(current.connection, { deleted, ifMatch });
    const now = new Date().toISOString();
    const decision = decide(current.connection, now, current.statusSince);
    const { next, changes } = nextVersion(current.connection, decision, { actor, now });
    if (next === current.connection) return { connection: next, changes };
    const { detailsVersion, details } = placeDetails(table, current, next, changes);
    const shardCount = await table.shards.writeCount(scope);
    const transaction = new Transaction({
      connection: {
        Put: {
          TableName: table.tableName,
          Item: toItem(next, {
            detailsVersion,
            statusSince: statusSince(current.connection, next, current.statusSince),
            // Deleted, it is restorable until its retention ends; a restore writes it without.
            expiresAt:
              next.deletedAt === undefined
                ? undefined
                : expiryAfter(next.deletedAt, (table.retention ?? DEFAULT_RETENTION_DAYS).deleted),
            shardCount,
          }),
          ConditionExpression: `version = :version AND ${deleted ? 'attribute_exists' : 'attribute_not_exists'}(deletedAt)`,
          ExpressionAttributeValues: { ':version': current.connection.version },
        },
      },
      details,
      guardClaim: decision.guard === 'claim' ? guardClaim(table, next) : undefined,
      guardRelease: decision.guard === 'release' ? guardRelease(table, current.connection) : undefined,
      history: historyPut(table, current.connection, next, decision.action, changes),
    });
    try {
      await transaction.write(table.client);
      return { connection: next, changes };
    } catch (error) {
      budget.wrote(error);
      const failure = classifyWriteError(error, transaction, { claims: ['guardClaim'], versioned: 'connection' });
      switch (failure.next) {
        case 'give-up':
          throw error;
        case 'retry':
          if (!askedForShards) await table.shards.afterThrottle(scope);
          askedForShards = true;
          // Nothing was written: the same change goes again, on the same reading.
          if (await budget.retry(false)) continue;
          throw new ServiceUnavailableError();
        case 'taken':
          await throwIfHeldByAnother(table, failure.holder, next, budget);
          break;
        case 'reread':
          break;
      }
      // Lost a race: the next read decides again (404, 409, 412 against If-Match, or a fresh attempt).
      if (!(await budget.retry(true))) throw new ServiceUnavailableError();
      current = await readStored(table, { scope, id, includeDeleted: true }, budget);
    }
  }
}

/**
 * Where the next version's details go. Unchanged details stay where they are (no details write);
 * changed ones go into the connection item when small, else into a details item this version
 * writes; a details item left behind by smaller details is deleted.
 */
function placeDetails(
  table: StoreTable,
  current: Stored,
  next: Connection,
  changes: Changes,
): { detailsVersion: DetailsVersion; details?: TransactItem } {
  if (changes.details === undefined) return { detailsVersion: current.detailsVersion };
  if (!detailsInline(next.details, table.layout)) {
    return {
      detailsVersion: next.version,
      details: { Put: { TableName: table.tableName, Item: toDetailsItem(next, next.version) } },
    };
  }
  if (current.detailsVersion === undefined) return { detailsVersion: undefined };
  return {
    detailsVersion: undefined,
    details: { Delete: { TableName: table.tableName, Key: keys.details(next, next.id) } },
  };
}
