/** How the repository reads DynamoDB's answers to a cancelled transaction, and how it waits to retry. */
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Lost races are retried this often before the answer is a 503 (retry later). */
export const CONCURRENCY_RETRIES = 8;

interface CancellationReason {
  Code?: string;
  Item?: Record<string, never>;
}

/** One reason per transaction item, in order; undefined when the error is not a cancelled transaction. */
export function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (error instanceof Error && error.name === 'TransactionCanceledException') {
    return (error as Error & { CancellationReasons?: CancellationReason[] }).CancellationReasons;
  }
  return undefined;
}

/** Whether item `index` failed its condition, with the item as it then was (if DynamoDB returned it). */
export function conditionFailed(error: unknown, index: number): { item?: Record<string, unknown> } | undefined {
  const reason = cancellationReasons(error)?.[index];
  if (reason?.Code !== 'ConditionalCheckFailed') return undefined;
  return reason.Item ? { item: unmarshall(reason.Item) } : {};
}

export const isTransactionConflict = (error: unknown): boolean =>
  cancellationReasons(error)?.some((reason) => reason.Code === 'TransactionConflict') ?? false;

/** Short, jittered waits: contention on one item clears in milliseconds. */
export const backOff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
