/**
 * A partition model of DynamoDB, as a middleware on a document client: it charges every request by
 * AWS's rules and throttles it as DynamoDB does when a partition runs out of capacity, so that a
 * 2-core machine can show where one environment's traffic stops, scaled down (by default 1:100:
 * 10 WCU/s and 30 RCU/s per partition instead of 1,000 and 3,000).
 *
 * Charges (design.md §7): a write is 1 WCU per KB of the larger of the item before and after,
 * twice in a transaction; each index entry written is 1 WCU per KB of its projected size (not
 * doubled), an index key that changes is a delete and a put, an update that changes no projected
 * attribute writes nothing to that index. A read is 1 RCU per 4 KB, summed over what a Query
 * examines, per item for GetItem and BatchGetItem, half for an eventually consistent one. The
 * items before a write come from a copy of every item written through the client (so an
 * environment is seeded through it); a Query is sent without its projection expression, which does
 * not lower the cost, and its answer cut back to it, so that what it examined can be measured.
 * Items a filter expression drops are charged at the mean size of those it kept (the one estimate).
 *
 * Partitions: each partition key value of the table and of each index is a partition of its own,
 * with a token bucket of `burstSeconds` of its rate. A request is throttled when any partition it
 * touches has no capacity left; a throttled request is not charged and changes nothing. A
 * transaction is cancelled for ThrottlingError, anything else answers ThrottlingException: the
 * errors the SDK and the store see from DynamoDB itself. Simplification, stated: DynamoDB puts many
 * keys in one partition and splits hot ones by sort key; one key per partition is the model's
 * worst case for a hot key and its best case for the table's many small ones.
 */
import { ThrottlingException, TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { projectionOf, TABLE, type IndexName } from '#store/table-definition.ts';
import { itemSize, readUnits, writeUnits, type Item } from './item-size.ts';

export interface ModelOptions {
  /** What the row indexes project: the table definition's attributes, or (the design before) ALL. */
  readonly projection: 'ALL' | readonly string[];
  /** The indexes the design has (a design from before an index was added lacks it). @default all of TABLE's */
  readonly indexes?: readonly IndexName[];
  /** @default 10 (AWS's 1,000 per partition, 1:100) */
  readonly writeUnitsPerSecond?: number;
  /** @default 30 (AWS's 3,000 per partition, 1:100) */
  readonly readUnitsPerSecond?: number;
  /** Seconds of unused capacity a partition saves up. @default 1 */
  readonly burstSeconds?: number;
}

/** What one request sent to DynamoDB cost, and where. */
export interface Charge {
  readonly operation: string;
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Units by partition (`table|pk` or `index|pk`). */
  readonly partitions: ReadonlyMap<string, { read: number; write: number }>;
  readonly throttled: boolean;
}

export interface PartitionModel {
  /** Every request since the last reset, throttled ones too (they are charged nothing). */
  readonly charges: readonly Charge[];
  /** Whether partitions throttle; off while an environment is seeded. */
  throttling: boolean;
  reset(): void;
  detach(): void;
}

const NAME = 'partitionModel';
const UNPROJECT = 'partitionModelProjection';
/** Where the projection a Query was sent without waits for its answer. */
const STASH = Symbol('projection');
type Key = Record<string, AttributeValue>;

class Bucket {
  private tokens: number;
  private at = performance.now();

  constructor(
    private readonly rate: number,
    private readonly capacity: number,
  ) {
    this.tokens = capacity;
  }

  /** Whether the partition has capacity left now (DynamoDB lets a request through, then debits it). */
  open(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + (this.rate * (now - this.at)) / 1000);
    this.at = now;
    return this.tokens > 0;
  }

  take(units: number): void {
    this.tokens -= units;
  }
}

const keyOf = (item: Key): string => `${item[TABLE.partitionKey]?.S}|${item[TABLE.sortKey]?.S}`;

export function attachPartitionModel(client: DynamoDBDocumentClient, options: ModelOptions): PartitionModel {
  const writeRate = options.writeUnitsPerSecond ?? 10;
  const readRate = options.readUnitsPerSecond ?? 30;
  const burst = options.burstSeconds ?? 1;
  const items = new Map<string, Item>();
  const writeBuckets = new Map<string, Bucket>();
  const readBuckets = new Map<string, Bucket>();
  let charges: Charge[] = [];
  const model = {
    throttling: true,
    get charges() {
      return charges;
    },
    reset: () => {
      charges = [];
    },
    detach: () => {
      client.middlewareStack.remove(NAME);
      client.middlewareStack.remove(UNPROJECT);
    },
  };

  const bucket = (buckets: Map<string, Bucket>, partition: string, rate: number) => {
    let found = buckets.get(partition);
    if (!found) buckets.set(partition, (found = new Bucket(rate, rate * burst)));
    return found;
  };

  /** An item's entry in an index, as that index projects it; undefined when the item is not in it. */
  const entryOf = (item: Item | undefined, index: IndexName): Item | undefined => {
    const { partitionKey, sortKey } = TABLE.indexes[index];
    if (!item?.[partitionKey] || !item[sortKey]) return undefined;
    if (options.projection === 'ALL') return item;
    const projected = projectionOf(TABLE.indexes[index]).type === 'KEYS_ONLY' ? [] : options.projection;
    const kept = new Set([partitionKey, sortKey, TABLE.partitionKey, TABLE.sortKey, ...projected]);
    return Object.fromEntries(Object.entries(item).filter(([name]) => kept.has(name)));
  };

  /** The write units of one item's write, by partition: the table's and each index's. */
  const writeCharges = (before: Item | undefined, after: Item | undefined, transactional: boolean) => {
    const charged: [string, number][] = [];
    const pk = (after ?? before)?.[TABLE.partitionKey]?.S;
    charged.push([
      `table|${pk}`,
      writeUnits(Math.max(itemSize(before ?? {}), itemSize(after ?? {}))) * (transactional ? 2 : 1),
    ]);
    for (const index of options.indexes ?? (Object.keys(TABLE.indexes) as IndexName[])) {
      const { partitionKey, sortKey } = TABLE.indexes[index];
      const old = entryOf(before, index);
      const next = entryOf(after, index);
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
  };

  const record = (operation: string, read: [string, number][], write: [string, number][], throttled: boolean) => {
    const partitions = new Map<string, { read: number; write: number }>();
    for (const [partition, units] of read) {
      const p = partitions.get(partition) ?? { read: 0, write: 0 };
      p.read += units;
      partitions.set(partition, p);
    }
    for (const [partition, units] of write) {
      const p = partitions.get(partition) ?? { read: 0, write: 0 };
      p.write += units;
      partitions.set(partition, p);
    }
    const sum = (list: [string, number][]) => (throttled ? 0 : list.reduce((a, [, units]) => a + units, 0));
    charges.push({ operation, readUnits: sum(read), writeUnits: sum(write), partitions, throttled });
  };

  /** Whether every partition is open; if so, takes the units. */
  const admit = (buckets: Map<string, Bucket>, rate: number, list: [string, number][]): string[] => {
    if (!model.throttling) return [];
    const closed = list.filter(([partition]) => !bucket(buckets, partition, rate).open()).map(([p]) => p);
    return closed;
  };
  const debit = (buckets: Map<string, Bucket>, rate: number, list: [string, number][]) => {
    for (const [partition, units] of list) bucket(buckets, partition, rate).take(units);
  };

  const throttle = (operation: string, transactItems?: number, closedItems?: Set<number>): Error => {
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
  };

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName).replace(/Command$/, '');
      const input = args.input as Record<string, unknown>;

      if (
        operation === 'TransactWriteItems' ||
        operation === 'PutItem' ||
        operation === 'DeleteItem' ||
        operation === 'BatchWriteItem'
      ) {
        const writes = plannedWrites(operation, input);
        const perItem = writes.map((w) => writeCharges(items.get(w.key), w.after, operation === 'TransactWriteItems'));
        const all = perItem.flat();
        const closed = new Set(admit(writeBuckets, writeRate, all));
        if (closed.size > 0) {
          record(operation, [], all, true);
          const closedItems = new Set(perItem.flatMap((list, i) => (list.some(([p]) => closed.has(p)) ? [i] : [])));
          throw throttle(operation, operation === 'TransactWriteItems' ? writes.length : undefined, closedItems);
        }
        debit(writeBuckets, writeRate, all);
        record(operation, [], all, false);
        const out = await next(args);
        const unprocessed = new Set(
          Object.values(
            (out.output as { UnprocessedItems?: Record<string, { PutRequest?: { Item: Key } }[]> }).UnprocessedItems ??
              {},
          )
            .flat()
            .flatMap((request) => (request.PutRequest ? [keyOf(request.PutRequest.Item)] : [])),
        );
        for (const w of writes) {
          if (unprocessed.has(w.key)) continue;
          if (w.after) items.set(w.key, w.after);
          else items.delete(w.key);
        }
        return out;
      }

      if (operation === 'GetItem' || operation === 'BatchGetItem' || operation === 'Query') {
        const partitions = readPartitions(operation, input);
        if (
          admit(
            readBuckets,
            readRate,
            partitions.map((p) => [p, 0]),
          ).length > 0
        ) {
          record(
            operation,
            partitions.map((p) => [p, 0]),
            [],
            true,
          );
          throw throttle(operation);
        }
        const projection = (context as { [STASH]?: (item: Item) => Item })[STASH];
        const out = await next(args);
        const output = out.output as Record<string, unknown>;
        const read = readCharges(operation, input, output);
        debit(readBuckets, readRate, read);
        record(operation, read, [], false);
        if (projection) output.Items = (output.Items as Item[]).map(projection);
        return out;
      }
      return next(args);
    },
    // Inside the SDK's retries (finalizeRequest, high): each attempt is charged, and a throttle is
    // retried by the SDK exactly as DynamoDB's own would be.
    { step: 'finalizeRequest', priority: 'low', name: NAME },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const expression = input.ProjectionExpression as string | undefined;
      if (String(context.commandName).startsWith('Query') && expression) {
        // Sent without it (before it is serialized), so that the answer shows what was examined.
        const names = { ...(input.ExpressionAttributeNames as Record<string, string>) };
        (context as { [STASH]?: (item: Item) => Item })[STASH] = (item) => project(item, expression, names);
        delete input.ProjectionExpression;
        const used = `${String(input.KeyConditionExpression)} ${String(input.FilterExpression ?? '')}`;
        for (const placeholder of Object.keys(names)) {
          if (!used.includes(placeholder))
            delete (input.ExpressionAttributeNames as Record<string, string>)[placeholder];
        }
      }
      return next(args);
    },
    { step: 'serialize', priority: 'high', name: UNPROJECT },
  );
  return model;

  function plannedWrites(operation: string, input: Record<string, unknown>): { key: string; after?: Item }[] {
    type Write = { Put?: { Item: Item }; Delete?: { Key: Key } };
    const one = (w: Write) => (w.Put ? { key: keyOf(w.Put.Item), after: w.Put.Item } : { key: keyOf(w.Delete!.Key) });
    if (operation === 'TransactWriteItems')
      return (input.TransactItems as Write[]).filter((w) => w.Put || w.Delete).map(one);
    if (operation === 'PutItem') return [one({ Put: { Item: input.Item as Item } })];
    if (operation === 'DeleteItem') return [one({ Delete: { Key: input.Key as Key } })];
    const requests = Object.values(
      input.RequestItems as Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Key } }[]>,
    ).flat();
    return requests.map((r) => one({ Put: r.PutRequest, Delete: r.DeleteRequest }));
  }

  function readPartitions(operation: string, input: Record<string, unknown>): string[] {
    if (operation === 'GetItem') return [`table|${(input.Key as Key)[TABLE.partitionKey]!.S}`];
    if (operation === 'BatchGetItem') {
      return Object.values(input.RequestItems as Record<string, { Keys: Key[] }>).flatMap((r) =>
        r.Keys.map((key) => `table|${key[TABLE.partitionKey]!.S}`),
      );
    }
    const values = input.ExpressionAttributeValues as Key;
    return [`${indexOf(input)}|${values[':pk']!.S}`];
  }

  function readCharges(
    operation: string,
    input: Record<string, unknown>,
    answer: Record<string, unknown>,
  ): [string, number][] {
    const consistent = input.ConsistentRead === true;
    // The document client has unmarshalled the answer by now: sizes are AWS's, on attribute values.
    const output = {
      ...answer,
      Item: answer.Item && wire(answer.Item),
      Items: (answer.Items as Record<string, unknown>[] | undefined)?.map(wire),
      Responses:
        answer.Responses &&
        Object.fromEntries(
          Object.entries(answer.Responses as Record<string, Record<string, unknown>[]>).map(([t, list]) => [
            t,
            list.map(wire),
          ]),
        ),
    };
    if (operation === 'GetItem') {
      return [
        [
          `table|${(input.Key as Key)[TABLE.partitionKey]!.S}`,
          readUnits(itemSize((output.Item as Item) ?? {}), consistent),
        ],
      ];
    }
    if (operation === 'BatchGetItem') {
      const found = new Map(
        Object.values((output.Responses as Record<string, Item[]>) ?? {})
          .flat()
          .map((item) => [keyOf(item), item]),
      );
      return Object.values(input.RequestItems as Record<string, { Keys: Key[]; ConsistentRead?: boolean }>).flatMap(
        (r) =>
          r.Keys.map((key): [string, number] => [
            `table|${key[TABLE.partitionKey]!.S}`,
            readUnits(itemSize(found.get(keyOf(key)) ?? {}), r.ConsistentRead === true),
          ]),
      );
    }
    const returned = (output.Items as Item[]) ?? [];
    const bytes = returned.reduce((sum, item) => sum + itemSize(item), 0);
    const dropped = Number(answer.ScannedCount ?? returned.length) - returned.length;
    const mean = returned.length > 0 ? bytes / returned.length : 400;
    const values = input.ExpressionAttributeValues as Key;
    return [[`${indexOf(input)}|${values[':pk']!.S}`, readUnits(bytes + dropped * mean, consistent)]];
  }
}

const indexOf = (input: Record<string, unknown>): string => (input.IndexName as string | undefined) ?? 'table';

const wire = (item: unknown): Item => marshall(item as Record<string, unknown>, { removeUndefinedValues: true });

/** An item cut back to a projection expression of `#name` placeholders, as DynamoDB answers it. */
function project(item: Item, expression: string, names: Record<string, string>): Item {
  const wanted = new Set(expression.split(',').map((part) => names[part.trim()] ?? part.trim()));
  return Object.fromEntries(Object.entries(item).filter(([name]) => wanted.has(name)));
}

/** Read and write units summed over charges. */
export const totals = (charges: readonly Charge[]): { read: number; write: number } => ({
  read: charges.reduce((sum, c) => sum + c.readUnits, 0),
  write: charges.reduce((sum, c) => sum + c.writeUnits, 0),
});
