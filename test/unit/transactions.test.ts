/**
 * Named transaction items: the request keeps the names' order, absent items are left out, and a
 * cancellation is read by name. The write budget: how a throttled write gives up.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { CONCURRENCY_RETRIES, THROTTLED_WRITE, Transaction, WriteBudget } from '#store/transactions.ts';

const put = (pk: string) => ({ Put: { TableName: 't', Item: { pk, sk: 'x' } } });

function cancelled(codes: string[], item?: Record<string, unknown>): Error {
  return Object.assign(new Error('Transaction cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((Code, i) => ({ Code, ...(i === 1 && item ? { Item: marshall(item) } : {}) })),
  });
}

describe('Transaction', () => {
  it('sends its items in the order named, leaving out the absent ones', async () => {
    const sent: unknown[] = [];
    const client = { send: async (command: { input: unknown }) => void sent.push(command.input) };
    const transaction = new Transaction({ connection: put('c'), guard: undefined, history: put('h') });

    await transaction.write(client as unknown as DynamoDBDocumentClient);

    expect(sent).toEqual([{ TransactItems: [put('c'), put('h')] }]);
  });

  it('reads the reason of each item by its name, with the item DynamoDB returned', () => {
    const transaction = new Transaction({ connection: put('c'), guard: put('g'), history: put('h') });
    const error = cancelled(['None', 'ConditionalCheckFailed', 'None'], { connectionId: 'other' });

    expect(transaction.conditionFailed(error, 'guard')).toEqual({ item: { connectionId: 'other' } });
    expect(transaction.conditionFailed(error, 'connection')).toBeUndefined();
    expect(transaction.conditionFailed(new Error('other'), 'guard')).toBeUndefined();
  });

  it('finds a name past an absent item at its real position', () => {
    const transaction = new Transaction({ connection: put('c'), guardClaim: undefined, guardRelease: put('g') });

    expect(transaction.conditionFailed(cancelled(['None', 'ConditionalCheckFailed']), 'guardRelease')).toEqual({});
  });
});

describe('WriteBudget', () => {
  const throttled = (attempts = 1) =>
    Object.assign(cancelled(['ThrottlingError']), { $metadata: { attempts } }) as Error & { $metadata: object };
  const conflict = () => cancelled(['TransactionConflict']);

  it('lets a throttled write be tried 3 times in all, counting the SDK attempts each error reports', async () => {
    const budget = new WriteBudget();
    budget.read({ $metadata: { attempts: 1 } });

    budget.wrote(throttled());
    expect(await budget.retry(false)).toBe(true);
    budget.wrote(throttled(2));
    expect(await budget.retry(false)).toBe(false);
  });

  it('allows a throttled write a second read, not a third', async () => {
    const budget = new WriteBudget();
    budget.read({});
    budget.wrote(throttled());
    expect(await budget.retry(true)).toBe(true);
    budget.read({});
    budget.wrote(conflict());
    expect(await budget.retry(true)).toBe(false);
  });

  it('gives a throttled write up once 1.5 s have passed', async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const budget = new WriteBudget();
      vi.setSystemTime(THROTTLED_WRITE.withinMs);
      budget.wrote(throttled());

      expect(await budget.retry(false)).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('retries lost races, which make progress against a real competitor, up to CONCURRENCY_RETRIES times', async () => {
    const budget = new WriteBudget();
    const answers: boolean[] = [];
    for (let i = 0; i < CONCURRENCY_RETRIES; i++) {
      budget.wrote(conflict());
      answers.push(await budget.retry(true));
    }

    expect(answers).toEqual([...Array<boolean>(CONCURRENCY_RETRIES - 1).fill(true), false]);
  });
});
