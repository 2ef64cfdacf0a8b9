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
import { isTransactionThrottled } from './database-errors.ts';

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
    await client.send(new TransactWriteCommand({ TransactItems: this.names.map((name) => this.items[name]!) }));
  }

  /** Whether the item `name` failed its condition, with the item as it then was (if DynamoDB returned it). */
  conditionFailed(error: unknown, name: Name): { item?: Record<string, unknown> } | undefined {
    const index = this.names.indexOf(name);
    const reason = index < 0 ? undefined : cancellationReasons(error)?.[index];
    if (reason?.Code !== 'ConditionalCheckFailed') return undefined;
    return reason.Item ? { item: unmarshall(reason.Item) } : {};
  }
}

/**
 * A cancellation worth the same transaction again after a wait: it collided with another one
 * (TransactionConflict), or DynamoDB throttled it (a GSI's back-pressure), which the SDK does not
 * retry since it arrives as a 400. Once the retries are spent, both are a 503.
 */
export const isRetryableCancellation = (error: unknown): boolean =>
  isTransactionThrottled(error) ||
  (cancellationReasons(error)?.some((reason) => reason.Code === 'TransactionConflict') ?? false);

/** Short, jittered waits: contention on one item clears in milliseconds. */
export const backOff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
