/**
 * Named transaction items: the request keeps the names' order, absent items are left out, and a
 * cancellation is read by name. The write budget: how a throttled write gives up.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import {
  classifyWriteError,
  CONCURRENCY_RETRIES,
  THROTTLED_WRITE,
  Transaction,
  WriteBudget,
} from '#store/transactions.ts';

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

describe('classifyWriteError', () => {
  // The items of a change that claims a pair guard (a restore), in this order.
  const transaction = new Transaction({ connection: put('c'), guardClaim: put('g'), history: put('h') });
  const named = (name: string) => Object.assign(new Error(name), { name });
  const cases: [string, unknown, ReturnType<typeof classifyWriteError>['next']][] = [
    ['the claimed guard is held', cancelled(['None', 'ConditionalCheckFailed', 'None']), 'taken'],
    [
      'the claim failed and another item conflicted',
      cancelled(['TransactionConflict', 'ConditionalCheckFailed']),
      'taken',
    ],
    [
      'the claim failed and an index throttled',
      cancelled(['None', 'ConditionalCheckFailed', 'ThrottlingError']),
      'taken',
    ],
    ['an index throttled the transaction', cancelled(['None', 'None', 'ThrottlingError']), 'retry'],
    ['the table throttled the transaction', cancelled(['ProvisionedThroughputExceeded', 'None', 'None']), 'retry'],
    ['a call throttled', named('ThrottlingException'), 'retry'],
    ['a provisioned table throttled', named('ProvisionedThroughputExceededException'), 'retry'],
    ['the version read is no longer current', cancelled(['ConditionalCheckFailed', 'None', 'None']), 'reread'],
    ['another transaction on the same items', cancelled(['None', 'None', 'TransactionConflict']), 'reread'],
    ['the history entry exists already (a bug)', cancelled(['None', 'None', 'ConditionalCheckFailed']), 'give-up'],
    ['a validation error', named('ValidationException'), 'give-up'],
    ['the database is unreachable', Object.assign(named('TimeoutError'), { code: 'ETIMEDOUT' }), 'give-up'],
    ['not an error at all', 'boom', 'give-up'],
  ];

  it.each(cases)('%s: %s', (_, error, next) => {
    expect(classifyWriteError(error, transaction, { claims: ['guardClaim'], versioned: 'connection' }).next).toBe(next);
  });

  it('names the claim taken and what held it, asking the claims in the order given', () => {
    const create = new Transaction({ connection: put('c'), guard: put('g'), idempotency: put('i') });
    const both = cancelled(['None', 'ConditionalCheckFailed', 'ConditionalCheckFailed'], { connectionId: 'other' });

    expect(classifyWriteError(both, create, { claims: ['idempotency', 'guard'] })).toEqual({
      next: 'taken',
      claim: 'idempotency',
      holder: {},
    });
    expect(classifyWriteError(both, create, { claims: ['guard', 'idempotency'] })).toEqual({
      next: 'taken',
      claim: 'guard',
      holder: { item: { connectionId: 'other' } },
    });
  });

  it('reads a failed condition as a lost race only on the versioned item', () => {
    const create = new Transaction({ connection: put('c'), guard: put('g') });
    // A create's connection is new (attribute_not_exists): its condition failing is no race to retry.
    expect(classifyWriteError(cancelled(['ConditionalCheckFailed', 'None']), create, {}).next).toBe('give-up');
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
