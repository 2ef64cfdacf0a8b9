/**
 * Counts the DynamoDB calls a client makes and the capacity each consumed: a middleware on the
 * client's stack asks every call for its ConsumedCapacity (TOTAL: table and indexes) and records
 * it. Used by the benchmark and by the calls-per-request budget test.
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface MeteredCall {
  /** The DynamoDB operation: GetItem, Query, TransactWriteItems, ... */
  readonly operation: string;
  /** Capacity units the call reports; undefined when it reports none (a refused call, say). */
  readonly capacity: number | undefined;
  /** Items a Query or Scan examined (its ScannedCount); undefined for other calls. */
  readonly scanned: number | undefined;
  /** Items the answer carried: a Query's or Scan's, a GetItem's one (or none), a BatchGetItem's. */
  readonly returned: number;
  /** The error's name when the call failed (after the SDK's own retries). */
  readonly failed?: string;
  /** When it was sent and answered, as ticks of one counter: overlapping calls ran in parallel. */
  readonly sent: number;
  readonly answered: number;
}

export interface Meter {
  /** Every call since the last reset, in the order they were answered. */
  readonly calls: readonly MeteredCall[];
  reset(): void;
  /** Takes the middleware off the client again. */
  detach(): void;
}

const NAME = 'benchMeter';
/** What a COUNT query's operation is called here: `Query (COUNT)`. */
export const COUNT = ' (COUNT)';

export function attachMeter(client: DynamoDBDocumentClient): Meter {
  let calls: MeteredCall[] = [];
  let tick = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string; Select?: string };
      input.ReturnConsumedCapacity = 'TOTAL';
      // A COUNT query is an environment's size check (store/shards.ts), apart from what a request reads.
      const operation = `${String(context.commandName).replace(/Command$/, '')}${input.Select === 'COUNT' ? COUNT : ''}`;
      const sent = tick++;
      let capacity: number | undefined;
      let scanned: number | undefined;
      let returned = 0;
      let failed: string | undefined;
      try {
        const out = await next(args);
        const output = out.output as {
          ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[];
          ScannedCount?: number;
          Items?: unknown[];
          Item?: unknown;
          Responses?: Record<string, unknown[]>;
        };
        capacity = totalCapacity(output.ConsumedCapacity);
        scanned = output.ScannedCount;
        returned =
          (output.Items?.length ?? (output.Item ? 1 : 0)) +
          Object.values(output.Responses ?? {}).reduce((sum, items) => sum + items.length, 0);
        return out;
      } catch (error) {
        failed = error instanceof Error ? error.name : String(error);
        throw error;
      } finally {
        // Refused calls count too: they are requests DynamoDB answered (and, for writes, bills).
        calls.push({ operation, capacity, scanned, returned, sent, answered: tick++, ...(failed ? { failed } : {}) });
      }
    },
    // Serialize step, first: the document client has marshalled the input by then, and a retry of
    // the same call (finalize step) is not counted as another call.
    { step: 'serialize', priority: 'high', name: NAME },
  );
  return {
    get calls() {
      return calls;
    },
    reset: () => {
      calls = [];
    },
    detach: () => {
      client.middlewareStack.remove(NAME);
    },
  };
}

function totalCapacity(consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): number | undefined {
  if (consumed === undefined) return undefined;
  const all = Array.isArray(consumed) ? consumed : [consumed];
  if (all.length === 0 || all.some((c) => c.CapacityUnits === undefined)) return undefined;
  return all.reduce((sum, c) => sum + c.CapacityUnits!, 0);
}

/** `{ GetItem: 1, TransactWriteItems: 1 }`: what a request cost, by operation. */
export function callsByOperation(calls: readonly MeteredCall[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) counts[call.operation] = (counts[call.operation] ?? 0) + 1;
  return counts;
}

/** Stored items several calls examined (the list budget, docs/api.md, Paging). */
export const sumScanned = (calls: readonly MeteredCall[]): number =>
  calls.reduce((sum, c) => sum + (c.scanned ?? 0), 0);

/** The capacity of several calls; undefined if any of them reported none. */
export function sumCapacity(calls: readonly MeteredCall[]): number | undefined {
  return calls.every((c) => c.capacity !== undefined) ? calls.reduce((sum, c) => sum + c.capacity!, 0) : undefined;
}

/**
 * Rounds of calls: the stretches of time in which at least one call is in flight. Calls that wait
 * for an earlier answer (the next hop of a search, a page after a page) start a new stretch once
 * everything before them has been answered; calls of one round keep each other's stretch open.
 */
export function roundsOf(calls: readonly MeteredCall[]): number {
  const ticks = calls.flatMap((c) => [
    { at: c.sent, step: 1 },
    { at: c.answered, step: -1 },
  ]);
  let inFlight = 0;
  let rounds = 0;
  for (const { step } of ticks.sort((a, b) => a.at - b.at)) {
    if (step === 1 && inFlight === 0) rounds++;
    inFlight += step;
  }
  return rounds;
}
