/** History entries: one per version of a connection, written in the transaction that made it. */
import { diff, scopeOf, type Changes } from '#domain/connection.ts';
import type { Connection, HistoryAction, HistoryEntry } from '#model/representations.ts';
import { DEFAULT_RETENTION_DAYS, type RetentionDays } from '#model/vocabulary.ts';
import { expiryAfter } from './connection-item.ts';
import { keys } from './keys.ts';
import { TABLE } from './table-definition.ts';
import type { TransactItem } from './transactions.ts';

/** The entry of a change, written in its transaction; it expires `retention.history` days after. */
export function historyPut(
  { tableName, retention = DEFAULT_RETENTION_DAYS }: { tableName: string; retention?: RetentionDays | undefined },
  before: Connection | undefined,
  after: Connection,
  action: HistoryAction,
  changes: Changes = diff(before, after),
): TransactItem {
  const expiresAt = expiryAfter(after.updatedAt, retention.history);
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...keys.history(scopeOf(after), after.id, after.version),
        version: after.version,
        at: after.updatedAt,
        actor: after.updatedBy,
        action,
        changesJson: JSON.stringify(changes),
        ...(expiresAt === undefined ? {} : { [TABLE.timeToLiveAttribute]: expiresAt }),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export function toHistoryEntry(item: Record<string, unknown>): HistoryEntry {
  return {
    version: Number(item.version),
    at: String(item.at),
    actor: String(item.actor),
    action: item.action as HistoryAction,
    changes: JSON.parse(String(item.changesJson)) as Changes,
  };
}
