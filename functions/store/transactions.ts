/**
 * Transactions whose items have names, how the store reads DynamoDB's answers to a cancelled one,
 * and how it waits to retry. DynamoDB answers a cancellation with one reason per item, in order;
 * naming the items means no caller ever counts positions.
 */
import {
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { attemptsOf, isThrottled, retriedByStore } from './database-errors.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Lost races are retried this often before the answer is a 503 (retry later). */
export const CONCURRENCY_RETRIES = 8;

interface CancellationReason {
  Code?: string;
  Item?: Record<string, never>;
}

/** One reason per transaction item, in order; undefined when the error is not a cancelled transaction. */
function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (error instanceof Error && error.name === 'TransactionCanceledException') {
    return (error as Error & { CancellationReasons?: CancellationReason[] }).CancellationReasons;
  }
  return undefined;
}

/** One transaction, its items by name; an absent item is left out. */
export class Transaction<Name extends string> {
  private readonly names: Name[];

  constructor(private readonly items: Readonly<Partial<Record<Name, TransactItem>>>) {
    this.names = (Object.keys(items) as Name[]).filter((name) => items[name] !== undefined);
  }

  async write(client: DynamoDBDocumentClient): Promise<void> {
    await client.send(
      retriedByStore(new TransactWriteCommand({ TransactItems: this.names.map((name) => this.items[name]!) })),
    );
  }

  /** Whether the item `name` failed its condition, with the item as it then was (if DynamoDB returned it). */
  conditionFailed(error: unknown, name: Name): { item?: Record<string, unknown> } | undefined {
    const index = this.names.indexOf(name);
    const reason = index < 0 ? undefined : cancellationReasons(error)?.[index];
    if (reason?.Code !== 'ConditionalCheckFailed') return undefined;
    return reason.Item ? { item: unmarshall(reason.Item) } : {};
  }
}

/** A cancellation by another transaction on the same items: worth a fresh read and another try. */
const isTransactionConflict = (error: unknown): boolean =>
  cancellationReasons(error)?.some((reason) => reason.Code === 'TransactionConflict') ?? false;

/**
 * What a write loop does next after its transaction failed, the one sorting every loop shares:
 * - `taken`: an item the write claims (a pair guard, an idempotency record) is there already: the
 *   loop asks whose it is (another's answers 409 or the first result; if it turns out free, or its
 *   own, the loop reads again);
 * - `retry`: DynamoDB throttled it and wrote nothing: the same transaction goes again, unread;
 * - `reread`: a race lost (the versioned item's condition failed, or another transaction
 *   conflicted): read again and decide anew;
 * - `give-up`: anything else, which no retry mends: the error goes up as it is.
 */
export type WriteFailure<Name extends string> =
  | { readonly next: 'taken'; readonly claim: Name; readonly holder: { item?: Record<string, unknown> } }
  | { readonly next: 'retry' }
  | { readonly next: 'reread' }
  | { readonly next: 'give-up' };

export function classifyWriteError<Name extends string>(
  error: unknown,
  transaction: Transaction<Name>,
  /** `claims`: the items whose condition says "no one else has this", in the order to ask. */
  { claims = [], versioned }: { claims?: readonly Name[]; versioned?: Name },
): WriteFailure<Name> {
  for (const claim of claims) {
    const holder = transaction.conditionFailed(error, claim);
    if (holder) return { next: 'taken', claim, holder };
  }
  if (isThrottled(error)) return { next: 'retry' };
  const raced =
    (versioned !== undefined && transaction.conditionFailed(error, versioned)) || isTransactionConflict(error);
  return raced ? { next: 'reread' } : { next: 'give-up' };
}

/** How a write DynamoDB throttles gives up: 3 tries in all (the SDK's own included), 2 reads, 1.5 s. */
export const THROTTLED_WRITE = { attempts: 3, reads: 2, withinMs: 1500 } as const;

/**
 * What one write request has sent so far, and whether it may send more. A lost race (a condition
 * that another writer's commit broke, a transaction conflict) is read again and retried up to
 * CONCURRENCY_RETRIES times: each try makes progress against a real competitor. Once DynamoDB
 * throttles the request, more load only makes the hot partition hotter: from then on it gets
 * THROTTLED_WRITE, after which the answer is a 503 with a jittered Retry-After.
 */
export class WriteBudget {
  private writes = 0;
  private reads = 0;
  private throttled = false;
  private readonly started = Date.now();

  /** Counts a read (or a write) from what the SDK says it sent. */
  read(answer: unknown): void {
    this.reads += attemptsOf(answer);
  }

  wrote(answer: unknown): void {
    this.writes += attemptsOf(answer);
    if (isThrottled(answer)) this.throttled = true;
  }

  /** Waits, then says whether another transaction may go (after a read, when `reading`). */
  async retry(reading: boolean): Promise<boolean> {
    const attempt = this.writes;
    if (!this.throttled) {
      if (attempt >= CONCURRENCY_RETRIES) return false;
      await sleep(10 * attempt + Math.random() * 20);
      return true;
    }
    // Full jitter on a doubling ceiling: 0-100 ms, then 0-200 ms.
    const wait = Math.random() * 50 * 2 ** attempt;
    const inTime = Date.now() - this.started + wait < THROTTLED_WRITE.withinMs;
    const fits = attempt < THROTTLED_WRITE.attempts && (!reading || this.reads < THROTTLED_WRITE.reads);
    if (!fits || !inTime) return false;
    await sleep(wait);
    return true;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
