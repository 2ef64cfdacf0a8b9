/** Named transaction items: the request keeps the names' order, absent items are left out, and a cancellation is read by name. */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { Transaction } from '#store/transactions.ts';

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
