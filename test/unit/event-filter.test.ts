/**
 * The local matcher of Lambda's event filters, against the examples of AWS's documentation ("Lambda
 * event filtering": the comparison operators' table, the Kinesis and multi-level DynamoDB examples,
 * and the DynamoDB TTL identity), and the publisher's own patterns against records shaped as Lambda
 * hands them over.
 */
import { describe, expect, it } from 'vitest';
import { PUBLISHED_RECORDS, TTL_IDENTITY } from '../../functions/events/stream-filter.ts';
import { matchesPattern } from '../../local/event-filter.ts';

describe('the comparison operators, as AWS documents them', () => {
  // [operator, rule, an event that matches, one that does not]
  const cases: [string, Record<string, unknown>, object, object][] = [
    ['Null: UserID is null', { UserID: [null] }, { UserID: null }, { UserID: 'u-1' }],
    ['Empty: LastName is empty', { LastName: [''] }, { LastName: '' }, { LastName: 'Doe' }],
    ['Equals: Name is "Alice"', { Name: ['Alice'] }, { Name: 'Alice' }, { Name: 'alice' }],
    [
      'And: Location is "New York" and Day is "Monday"',
      { Location: ['New York'], Day: ['Monday'] },
      { Location: 'New York', Day: 'Monday' },
      { Location: 'New York', Day: 'Tuesday' },
    ],
    [
      'Or: PaymentType is "Credit" or "Debit"',
      { PaymentType: ['Credit', 'Debit'] },
      { PaymentType: 'Debit' },
      { PaymentType: 'Cash' },
    ],
    [
      'Not: Weather is anything but "Raining"',
      { Weather: [{ 'anything-but': ['Raining'] }] },
      { Weather: 'Sunny' },
      { Weather: 'Raining' },
    ],
    ['Numeric (equals): Price is 100', { Price: [{ numeric: ['=', 100] }] }, { Price: 100 }, { Price: 101 }],
    [
      'Numeric (range): Price is more than 10, and less than or equal to 20',
      { Price: [{ numeric: ['>', 10, '<=', 20] }] },
      { Price: 20 },
      { Price: 10 },
    ],
    ['Exists: ProductName exists', { ProductName: [{ exists: true }] }, { ProductName: 'x' }, { Other: 'x' }],
    [
      'Does not exist: ProductName does not exist',
      { ProductName: [{ exists: false }] },
      { Other: 'x' },
      { ProductName: 'x' },
    ],
    [
      'Begins with: Region is in the US',
      { Region: [{ prefix: 'us-' }] },
      { Region: 'us-east-1' },
      { Region: 'eu-west-1' },
    ],
    [
      'Ends with: FileName ends with .png',
      { FileName: [{ suffix: '.png' }] },
      { FileName: 'a.png' },
      { FileName: 'a.jpg' },
    ],
    [
      'Equals (ignore case): Name is "Alice"',
      { Name: [{ 'equals-ignore-case': 'alice' }] },
      { Name: 'ALICE' },
      { Name: 'Bob' },
    ],
  ];

  it.each(cases)('%s', (_, pattern, matching, other) => {
    expect(matchesPattern(pattern, matching)).toBe(true);
    expect(matchesPattern(pattern, other)).toBe(false);
  });

  it('needs every field the pattern names: one missing from the event fails it', () => {
    expect(matchesPattern({ Name: ['Alice'] }, {})).toBe(false);
    expect(matchesPattern({ Location: ['New York'], Day: ['Monday'] }, { Location: 'New York' })).toBe(false);
  });

  it('ignores the fields the pattern does not name', () => {
    expect(matchesPattern({ Name: ['Alice'] }, { Name: 'Alice', Age: 30 })).toBe(true);
  });

  it('matches an array in the event when any of its values matches', () => {
    expect(matchesPattern({ Tags: ['blue'] }, { Tags: ['red', 'blue'] })).toBe(true);
    expect(matchesPattern({ Tags: ['blue'] }, { Tags: ['red', 'green'] })).toBe(false);
  });

  it('filters on metadata and data properties at once (the Kinesis example)', () => {
    const pattern = { partitionKey: ['1'], data: { Location: ['Los Angeles'] } };
    expect(matchesPattern(pattern, { partitionKey: '1', data: { Location: 'Los Angeles', Temperature: 70 } })).toBe(
      true,
    );
    expect(matchesPattern(pattern, { partitionKey: '2', data: { Location: 'Los Angeles' } })).toBe(false);
    expect(
      matchesPattern({ data: { Temperature: [{ numeric: ['>', 50, '<=', 60] }] } }, { data: { Temperature: 55 } }),
    ).toBe(true);
  });

  it('filters a DynamoDB record several levels down (the multi-level example)', () => {
    const record = {
      dynamodb: {
        Keys: { Id: { N: '101' } },
        NewImage: { Message: { S: 'New item!' }, Id: { N: '101' } },
        SequenceNumber: '111',
        SizeBytes: 26,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };
    expect(matchesPattern({ dynamodb: { Keys: { Id: { N: ['101'] } } } }, record)).toBe(true);
    expect(matchesPattern({ dynamodb: { Keys: { Id: { N: ['102'] } } } }, record)).toBe(false);
    // A nested pattern needs an object there.
    expect(matchesPattern({ dynamodb: { Keys: { Id: { N: ['101'] } } } }, { dynamodb: 'x' })).toBe(false);
  });

  it('refuses a rule it does not know, rather than match it silently', () => {
    expect(() => matchesPattern({ Name: [{ wildcard: 'A*' }] }, { Name: 'Alice' })).toThrow(/unknown rule/);
  });
});

describe('the publisher’s patterns', () => {
  const keys = (sk: string) => ({ Keys: { pk: { S: 'CONN#acme#prod#01J' }, sk: { S: sk } } });
  const publishes = (record: object) => PUBLISHED_RECORDS.some((pattern) => matchesPattern(pattern, record));

  it('let through a connection item written, and one removed by DynamoDB’s TTL', () => {
    expect(publishes({ eventName: 'INSERT', dynamodb: keys('CONNECTION') })).toBe(true);
    expect(publishes({ eventName: 'MODIFY', dynamodb: keys('CONNECTION') })).toBe(true);
    expect(publishes({ eventName: 'REMOVE', userIdentity: TTL_IDENTITY, dynamodb: keys('CONNECTION') })).toBe(true);
  });

  it('keep out every other item, and a connection item removed otherwise', () => {
    for (const sk of ['CONNECTION#DETAILS', 'HISTORY#0000000001', 'PAIR', 'IDEMPOTENCY']) {
      expect(publishes({ eventName: 'INSERT', dynamodb: keys(sk) })).toBe(false);
      expect(publishes({ eventName: 'REMOVE', userIdentity: TTL_IDENTITY, dynamodb: keys(sk) })).toBe(false);
    }
    expect(publishes({ eventName: 'REMOVE', dynamodb: keys('CONNECTION') })).toBe(false);
    const user = { type: 'Service', principalId: 'somebody.amazonaws.com' };
    expect(publishes({ eventName: 'REMOVE', userIdentity: user, dynamodb: keys('CONNECTION') })).toBe(false);
  });
});
