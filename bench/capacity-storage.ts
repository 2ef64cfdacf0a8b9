/**
 * Bytes stored, by AWS's item sizes plus its 100 bytes of overhead per item and per index entry:
 * per live connection (its items and index entries), per soft-deleted one, per history entry; and
 * a workload's storage as the capacity document priced it before (live connections with six
 * versions each) and at the steady state retention keeps (deleted connections 90 days, history 400).
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import { storedItems } from '#store/connection-item.ts';
import { projectionOf, TABLE, type IndexName } from '#store/table-definition.ts';
import { itemSize } from '../testkit/item-size.ts';
import { platformConnections } from './platform.ts';
import { churn, RETENTION_MONTHS, type Workload } from './capacity-prices.ts';
import type { Design } from './capacity-routes.ts';

const OVERHEAD = 100;
/** A status change's history entry (the first one, holding the details, is larger). */
const HISTORY_ENTRY = 300;
const VERSIONS_PER_CONNECTION = 6;

/** Bytes of one connection's items and index entries, live (most are connected: no deadline entry) or deleted. */
function connectionBytes(design: Design, detailsBytes: number, deleted: boolean): number {
  const [live] = platformConnections({ projectSlug: 'p', environmentSlug: 'e' }, 1, detailsBytes, 'connected');
  const c = deleted ? { ...live!, deletedAt: live!.updatedAt } : live!;
  const items = storedItems(c, { layout: design.layout }).map((item) =>
    marshall(item, { removeUndefinedValues: true }),
  );
  const head = items[0]!;
  const entryBytes = (index: IndexName): number => {
    const definition = TABLE.indexes[index];
    if (!head[definition.partitionKey]) return 0;
    const keys = [definition.partitionKey, definition.sortKey, TABLE.partitionKey, TABLE.sortKey] as string[];
    const kept =
      projectionOf(definition).type === 'KEYS_ONLY'
        ? keys
        : design.projection === 'ALL'
          ? Object.keys(head)
          : [...keys, ...TABLE.projection];
    return itemSize(Object.fromEntries(Object.entries(head).filter(([name]) => kept.includes(name)))) + OVERHEAD;
  };
  const indexes = design.indexes ?? (Object.keys(TABLE.indexes) as IndexName[]);
  return (
    items.reduce((sum, item) => sum + itemSize(item) + OVERHEAD, 0) +
    indexes.reduce((sum, index) => sum + entryBytes(index), 0)
  );
}

export interface Storage {
  /** As the capacity document priced it before: live connections, six versions of history each, and a pair guard. */
  readonly asBeforeGb: number;
  /** At the steady state retention keeps, with this workload's deletes and changes. */
  readonly retainedGb: number;
}

export function storage(design: Design, workload: Workload): Storage {
  const live = connectionBytes(design, workload.detailsBytes, false);
  const deleted = connectionBytes(design, workload.detailsBytes, true);
  const history = HISTORY_ENTRY + OVERHEAD;
  const guard = 1024;
  const { changes, deletes } = churn(workload);
  const gb = (bytes: number) => bytes / 2 ** 30;
  return {
    asBeforeGb: gb(workload.liveConnections * (live + VERSIONS_PER_CONNECTION * history + guard)),
    retainedGb: gb(
      workload.liveConnections * (live + guard) +
        deletes * RETENTION_MONTHS.deleted * deleted +
        changes * RETENTION_MONTHS.history * history,
    ),
  };
}
