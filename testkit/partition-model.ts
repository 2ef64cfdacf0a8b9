/**
 * A partition model of DynamoDB, as a middleware on a document client: it charges every request by
 * AWS's rules (testkit/partition-charges.ts) and throttles it as DynamoDB does when a partition, or
 * the table, runs out of capacity, so that a 2-core machine can show where traffic stops, scaled
 * down (by default 1:100: 10 WCU/s and 30 RCU/s per partition instead of 1,000 and 3,000).
 *
 * The items before a write come from a copy of every item written through the client (so an
 * environment is seeded through it). A Query is sent without its projection expression, its COUNT
 * and its equality filter (none of which lowers the cost) and its answer cut back to them, so that
 * what it examined is measured item by item.
 *
 * Partitions: each partition key value of the table and of each index is a partition of its own,
 * with a token bucket of `burstSeconds` of its rate. On top, the table and each index have their
 * own table-level bucket: an on-demand table serves about 4,000 WCU/s and 12,000 RCU/s when new and
 * grows to the account's per-table quota (40,000 by default) with traffic or warm throughput
 * (`table: 'new' | 'warm'`). A request is throttled when any partition or table it touches has no
 * capacity left; a throttled request is not charged and changes nothing. A transaction is
 * cancelled for ThrottlingError, anything else answers ThrottlingException, as DynamoDB does. A
 * transaction a condition or a conflict cancels is charged nothing and changes nothing.
 * Simplification, stated: DynamoDB puts many keys in one partition and splits hot ones by sort
 * key; one key per partition is the model's worst case for a hot key and its best case for the
 * table's many small ones.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE, type IndexName } from '#store/table-definition.ts';
import type { Item } from './item-size.ts';
import { answered, cutBack, readPartitions, sendWhole, type Stashed } from './partition-queries.ts';
import {
  conditionCheckCharge,
  keyOf,
  plannedWrites,
  readCharges,
  throttle,
  writeCharges,
  type ChargeRules,
  type Units,
} from './partition-charges.ts';

/** AWS's rates, per second: a partition's, and an on-demand table's when new and when warmed to the default quota. */
export const AWS_RATES = {
  partition: { write: 1000, read: 3000 },
  newTable: { write: 4000, read: 12000 },
  warmTable: { write: 40000, read: 40000 },
} as const;
/** The model's scale: 1:100. */
export const MODEL_SCALE = 100;

export interface ModelOptions {
  /** What the row indexes project: the table definition's attributes, or (the design before) ALL. */
  readonly projection: ChargeRules['projection'];
  /** The indexes the design has (a design from before an index was added lacks it). @default all of TABLE's */
  readonly indexes?: readonly IndexName[];
  /** @default AWS's 1,000 per partition at 1:100 */
  readonly writeUnitsPerSecond?: number;
  /** @default AWS's 3,000 per partition at 1:100 */
  readonly readUnitsPerSecond?: number;
  /** Seconds of unused capacity a partition saves up. @default 1 */
  readonly burstSeconds?: number;
  /** The table-level limits: a new on-demand table's, a warmed one's, or none. @default 'new' */
  readonly table?: 'new' | 'warm' | 'none';
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
/** What a Query was sent without, to be applied to its answer. */
const STASH = Symbol('answer');
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

  /** Whether capacity is left now (DynamoDB lets a request through, then debits it). */
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

/** The table (or index) a partition belongs to: its table-level bucket. */
const tableOf = (partition: string): string => `TABLE|${partition.split('|')[0]}`;

export function attachPartitionModel(client: DynamoDBDocumentClient, options: ModelOptions): PartitionModel {
  const rules: ChargeRules = {
    projection: options.projection,
    indexes: options.indexes ?? (Object.keys(TABLE.indexes) as IndexName[]),
  };
  const rate = {
    write: options.writeUnitsPerSecond ?? AWS_RATES.partition.write / MODEL_SCALE,
    read: options.readUnitsPerSecond ?? AWS_RATES.partition.read / MODEL_SCALE,
  };
  const table = options.table === 'none' ? undefined : AWS_RATES[options.table === 'warm' ? 'warmTable' : 'newTable'];
  const burst = options.burstSeconds ?? 1;
  const items = new Map<string, Item>();
  const buckets = { write: new Map<string, Bucket>(), read: new Map<string, Bucket>() };
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

  const bucket = (kind: 'write' | 'read', name: string) => {
    let found = buckets[kind].get(name);
    if (!found) {
      const perSecond = name.startsWith('TABLE|') ? table![kind] / MODEL_SCALE : rate[kind];
      buckets[kind].set(name, (found = new Bucket(perSecond, perSecond * burst)));
    }
    return found;
  };
  /** The partitions and tables a charge touches, with their units. */
  const touched = (list: Units): Units => {
    if (!table) return list;
    const tables = new Map<string, number>();
    for (const [partition, units] of list)
      tables.set(tableOf(partition), (tables.get(tableOf(partition)) ?? 0) + units);
    return [...list, ...tables];
  };
  /** The partitions (or tables) with no capacity left; none while throttling is off. */
  const closed = (kind: 'write' | 'read', list: Units): Set<string> =>
    new Set(model.throttling ? touched(list).flatMap(([name]) => (bucket(kind, name).open() ? [] : [name])) : []);
  const debit = (kind: 'write' | 'read', list: Units, sign = 1) => {
    for (const [name, units] of touched(list)) bucket(kind, name).take(sign * units);
  };

  const record = (operation: string, read: Units, write: Units, throttled: boolean) => {
    const partitions = new Map<string, { read: number; write: number }>();
    for (const [kind, list] of [
      ['read', read],
      ['write', write],
    ] as const) {
      for (const [partition, units] of list) {
        const p = partitions.get(partition) ?? { read: 0, write: 0 };
        p[kind] += units;
        partitions.set(partition, p);
      }
    }
    const sum = (list: Units) => (throttled ? 0 : list.reduce((a, [, units]) => a + units, 0));
    charges.push({ operation, readUnits: sum(read), writeUnits: sum(write), partitions, throttled });
  };

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName).replace(/Command$/, '');
      const input = args.input as Record<string, unknown>;

      if (['TransactWriteItems', 'PutItem', 'DeleteItem', 'UpdateItem', 'BatchWriteItem'].includes(operation)) {
        const writes = plannedWrites(operation, input, items);
        const transactional = operation === 'TransactWriteItems';
        const perItem = writes.map((w) =>
          w.check
            ? conditionCheckCharge(w.check, items.get(w.key))
            : writeCharges(items.get(w.key), w.after, transactional, rules),
        );
        const all = perItem.flat();
        const full = closed('write', all);
        if (full.size > 0) {
          record(operation, [], all, true);
          const closedItems = new Set(
            perItem.flatMap((list, i) => (touched(list).some(([p]) => full.has(p)) ? [i] : [])),
          );
          throw throttle(operation, transactional ? writes.length : undefined, closedItems);
        }
        debit('write', all);
        let out;
        try {
          out = await next(args);
        } catch (error) {
          // Cancelled by a condition or a conflict: nothing written, nothing charged (a single
          // conditional write DynamoDB refuses is still charged).
          if (transactional && (error as Error).name === 'TransactionCanceledException') {
            debit('write', all, -1);
            record(operation, [], [], false);
          } else record(operation, [], all, false);
          throw error;
        }
        record(operation, [], all, false);
        const unprocessed = new Set(
          Object.values(
            (out.output as { UnprocessedItems?: Record<string, { PutRequest?: { Item: Key } }[]> }).UnprocessedItems ??
              {},
          )
            .flat()
            .flatMap((request) => (request.PutRequest ? [keyOf(request.PutRequest.Item)] : [])),
        );
        for (const w of writes) {
          if (unprocessed.has(w.key) || w.check) continue;
          if (w.after) items.set(w.key, w.after);
          else items.delete(w.key);
        }
        return out;
      }

      if (operation === 'GetItem' || operation === 'BatchGetItem' || operation === 'Query') {
        const partitions: Units = readPartitions(operation, input).map((p) => [p, 0]);
        if (closed('read', partitions).size > 0) {
          record(operation, partitions, [], true);
          throw throttle(operation);
        }
        const stashed = (context as { [STASH]?: Stashed })[STASH];
        const out = await next(args);
        const output = out.output as Record<string, unknown>;
        const read = readCharges(operation, input, answered(operation, output, stashed));
        debit('read', read);
        record(operation, read, [], false);
        if (stashed) cutBack(output, stashed);
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
      if (String(context.commandName).startsWith('Query')) {
        const stashed = sendWhole(args.input as Record<string, unknown>);
        if (stashed) (context as { [STASH]?: Stashed })[STASH] = stashed;
      }
      return next(args);
    },
    { step: 'serialize', priority: 'high', name: UNPROJECT },
  );
  return model;
}

/** Read and write units summed over charges. */
export const totals = (charges: readonly Charge[]): { read: number; write: number } => ({
  read: charges.reduce((sum, c) => sum + c.readUnits, 0),
  write: charges.reduce((sum, c) => sum + c.writeUnits, 0),
});
