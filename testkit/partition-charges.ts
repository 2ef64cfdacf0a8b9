/**
 * What one DynamoDB request costs by AWS's rules (design notes, capacity), as pure functions of
 * the request, the items before it and its answer; testkit/partition-model.ts applies them.
 *
 * Writes: 1 WCU per KB of the larger of the item before and after, twice in a transaction, for a
 * Put, an Update and a Delete alike; a transaction's ConditionCheck twice the checked item's KB
 * (a transaction's every item is prepared and committed: two writes). Each index entry written is
 * 1 WCU per KB of its projected size (not doubled); a changed index key is a delete and a put; an
 * update that changes no projected attribute writes nothing to that index. A transaction that a
 * condition or a conflict cancels is charged nothing (its caller charges it so).
 *
 * Reads: 1 RCU per 4 KB, rounded up per request (a Query sums what it examined, COUNT queries
 * included), per item for GetItem and BatchGetItem, half for an eventually consistent one.
 */
import { ThrottlingException, TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { projectionOf, TABLE, type IndexName } from '#store/table-definition.ts';
import { itemSize, readUnits, writeUnits, type Item } from './item-size.ts';

export interface ChargeRules {
  /** What the row indexes project: the table definition's attributes, or (the design before) ALL. */
  readonly projection: 'ALL' | readonly string[];
  /** The indexes the design has. */
  readonly indexes: readonly IndexName[];
}

type Key = Record<string, AttributeValue>;
export type Units = [partition: string, units: number][];

export const keyOf = (item: Key): string => `${item[TABLE.partitionKey]?.S}|${item[TABLE.sortKey]?.S}`;
const tablePartition = (item: Key): string => `table|${item[TABLE.partitionKey]?.S}`;

/** An item's entry in an index, as that index projects it; undefined when the item is not in it. */
function entryOf(item: Item | undefined, index: IndexName, rules: ChargeRules): Item | undefined {
  const { partitionKey, sortKey } = TABLE.indexes[index];
  if (!item?.[partitionKey] || !item[sortKey]) return undefined;
  if (rules.projection === 'ALL') return item;
  const projected = projectionOf(TABLE.indexes[index]).type === 'KEYS_ONLY' ? [] : rules.projection;
  const kept = new Set([partitionKey, sortKey, TABLE.partitionKey, TABLE.sortKey, ...projected]);
  return Object.fromEntries(Object.entries(item).filter(([name]) => kept.has(name)));
}

/** The write units of one item's write, by partition: the table's and each index's. */
export function writeCharges(
  before: Item | undefined,
  after: Item | undefined,
  transactional: boolean,
  rules: ChargeRules,
): Units {
  const charged: Units = [];
  const item = (after ?? before)!;
  const factor = transactional ? 2 : 1;
  charged.push([tablePartition(item), writeUnits(Math.max(itemSize(before ?? {}), itemSize(after ?? {}))) * factor]);
  for (const index of rules.indexes) {
    const { partitionKey, sortKey } = TABLE.indexes[index];
    const old = entryOf(before, index, rules);
    const next = entryOf(after, index, rules);
    const partition = (entry: Item) => `${index}|${entry[partitionKey]!.S}`;
    if (old && next && old[partitionKey]!.S === next[partitionKey]!.S && old[sortKey]!.S === next[sortKey]!.S) {
      if (JSON.stringify(old) !== JSON.stringify(next)) {
        charged.push([partition(next), writeUnits(Math.max(itemSize(old), itemSize(next)))]);
      }
      continue;
    }
    if (old) charged.push([partition(old), writeUnits(itemSize(old))]);
    if (next) charged.push([partition(next), writeUnits(itemSize(next))]);
  }
  return charged;
}

/** A transaction's ConditionCheck: the checked item, prepared and committed, and no index. */
export const conditionCheckCharge = (key: Key, checked: Item | undefined): Units => [
  [tablePartition(key), writeUnits(itemSize(checked ?? key)) * 2],
];

/**
 * The item an UpdateItem leaves: `SET a = :v, b = :w` and `REMOVE c` applied to the item before
 * (the forms the store sends). Any other expression leaves the item as it was: charged at its size.
 */
export function applyUpdate(before: Item | undefined, key: Key, update: Record<string, unknown>): Item {
  const item: Item = { ...(before ?? key) };
  const names = (update.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (update.ExpressionAttributeValues ?? {}) as Key;
  const { UpdateExpression } = update;
  const name = (token: string) => names[token] ?? token;
  for (const clause of String(UpdateExpression ?? '').split(/\b(?=SET\b|REMOVE\b)/)) {
    const [verb, ...rest] = clause.trim().split(/\s+/);
    const body = rest.join(' ');
    for (const part of body
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      if (verb === 'SET') {
        const [target, value] = part.split('=').map((p) => p.trim());
        if (target && value && values[value] !== undefined) item[name(target)] = values[value]!;
      } else if (verb === 'REMOVE') delete item[name(part)];
    }
  }
  return item;
}

/** The read units of a GetItem, a BatchGetItem or a Query, by partition; `items` are the answer's, on the wire. */
export function readCharges(
  operation: string,
  input: Record<string, unknown>,
  items: { one?: Item; found?: Map<string, Item>; examined?: Item[]; dropped?: number },
): Units {
  if (operation === 'GetItem') {
    const key = input.Key as Key;
    return [[tablePartition(key), readUnits(itemSize(items.one ?? {}), input.ConsistentRead === true)]];
  }
  if (operation === 'BatchGetItem') {
    return Object.values(input.RequestItems as Record<string, { Keys: Key[]; ConsistentRead?: boolean }>).flatMap((r) =>
      r.Keys.map((key): [string, number] => [
        tablePartition(key),
        readUnits(itemSize(items.found?.get(keyOf(key)) ?? {}), r.ConsistentRead === true),
      ]),
    );
  }
  const examined = items.examined ?? [];
  const bytes = examined.reduce((sum, item) => sum + itemSize(item), 0);
  // What a filter dropped is not in the answer: charged at the mean size of what it kept.
  const mean = examined.length > 0 ? bytes / examined.length : 0;
  const values = input.ExpressionAttributeValues as Key;
  const index = (input.IndexName as string | undefined) ?? 'table';
  return [
    [`${index}|${values[':pk']!.S}`, readUnits(bytes + (items.dropped ?? 0) * mean, input.ConsistentRead === true)],
  ];
}

/** The items a write request writes: each one's key, what it leaves (none: deleted), or the key it only checks. */
export function plannedWrites(
  operation: string,
  input: Record<string, unknown>,
  items: ReadonlyMap<string, Item>,
): { key: string; after?: Item; check?: Key }[] {
  type Write = {
    Put?: { Item: Item };
    Delete?: { Key: Key };
    Update?: Record<string, unknown>;
    ConditionCheck?: { Key: Key };
  };
  const one = (w: Write) => {
    if (w.Put) return { key: keyOf(w.Put.Item), after: w.Put.Item };
    if (w.Delete) return { key: keyOf(w.Delete.Key) };
    if (w.ConditionCheck) return { key: keyOf(w.ConditionCheck.Key), check: w.ConditionCheck.Key };
    const key = w.Update!.Key as unknown as Key;
    return { key: keyOf(key), after: applyUpdate(items.get(keyOf(key)), key, w.Update!) };
  };
  if (operation === 'TransactWriteItems') return (input.TransactItems as Write[]).map(one);
  if (operation === 'PutItem') return [one({ Put: { Item: input.Item as Item } })];
  if (operation === 'DeleteItem') return [one({ Delete: { Key: input.Key as Key } })];
  if (operation === 'UpdateItem') return [one({ Update: input })];
  const requests = Object.values(
    input.RequestItems as Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Key } }[]>,
  ).flat();
  return requests.map((r) => one({ Put: r.PutRequest, Delete: r.DeleteRequest }));
}

/** The error DynamoDB answers a throttled request with: a cancelled transaction, else ThrottlingException. */
export function throttle(operation: string, transactItems?: number, closedItems?: Set<number>): Error {
  const $metadata = { httpStatusCode: 400 };
  if (transactItems === undefined) {
    return new ThrottlingException({ message: `partition model: ${operation} throttled`, $metadata });
  }
  return new TransactionCanceledException({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
    $metadata,
    CancellationReasons: Array.from({ length: transactItems }, (_, i) =>
      closedItems?.has(i)
        ? { Code: 'ThrottlingError', Message: 'Throughput exceeds the current capacity' }
        : { Code: 'None' },
    ),
  });
}
