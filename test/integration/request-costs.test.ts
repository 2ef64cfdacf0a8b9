/**
 * The calls-per-request budget: each data route's handler, called in process against DynamoDB
 * Local, sends exactly the DynamoDB calls the request needs and no more. Each extra call is a
 * finding: this fails on it.
 */
import { beforeAll, expect, it } from 'vitest';
import { CASCADE_SIZE, LIST_PAGES, measureRequestCosts, type RequestCost } from '../../testkit/dynamo-costs.ts';
import { attachMeter, roundsOf } from '../../testkit/meter.ts';
import { TABLE } from '#store/table-definition.ts';
import { documentClient } from '#store/connections.ts';
import { freshScope } from '../support/integration.ts';

const EXPECTED = [
  ['get', 200, { GetItem: 1 }],
  ['create', 201, { TransactWriteItems: 1 }],
  // The key's record is read first (is this a repeat?), then written with the connection.
  ['create, new Idempotency-Key', 201, { GetItem: 1, TransactWriteItems: 1 }],
  ['create, Idempotency-Key replay', 201, { GetItem: 1 }],
  ['patch', 200, { GetItem: 1, TransactWriteItems: 1 }],
  ['delete', 204, { GetItem: 1, TransactWriteItems: 1 }],
  ['restore', 200, { GetItem: 1, TransactWriteItems: 1 }],
  // The pair guard: a duplicate is the only check that needs the table.
  ['validate', 200, { GetItem: 1 }],
  // The page, and beside it the connection, which says whether it is still kept (purged: 404).
  ['history page', 200, { Query: 1, GetItem: 1 }],
  // One resource's connections sit in one shard.
  ...LIST_PAGES.filter(([name]) => name.endsWith('type+id')).map(([name]) => [name, 200, { Query: 1 }] as const),
  // As source and as target.
  ['resource connections page', 200, { Query: 2 }],
  // One transaction per connection (the listing gave the version: no read), two Queries for the
  // page of up to 100 connections, and two more that find none left.
  ['cascade', 200, { Query: 4, TransactWriteItems: CASCADE_SIZE }],
] as const;

const costs = new Map<string, RequestCost>();

beforeAll(async () => {
  // The handlers' own client: the meter sees every call they send.
  const meter = attachMeter(documentClient);
  try {
    for (const cost of await measureRequestCosts(meter, freshScope())) costs.set(cost.name, cost);
  } finally {
    meter.detach();
  }
}, 180_000);

it.each(EXPECTED)('%s: answers %i with exactly %j', (name, status, calls) => {
  const cost = costs.get(name);

  expect(cost, `no figures for ${name}`).toBeDefined();
  const failures = cost!.calls.filter((call) => call.failed).map((call) => `${call.operation}: ${call.failed}`);
  expect(cost!.status, `failed calls: ${failures.join(', ') || 'none'}`).toBe(status);
  expect(cost!.byOperation).toEqual(calls);
});

/**
 * Lists spread over every shard: a Query per shard, then one for each shard that fell behind the
 * page; a type filter whose few resources hold many connections each may need a third round.
 */
const SHARDED = LIST_PAGES.filter(([name]) => !name.endsWith('type+id')).map(([name]) => name);

it.each(SHARDED)('%s: answers 200 with a Query per shard in at most three rounds', (name) => {
  const cost = costs.get(name)!;

  expect(cost.status).toBe(200);
  expect(Object.keys(cost.byOperation)).toEqual(['Query']);
  expect(cost.byOperation.Query).toBeGreaterThanOrEqual(TABLE.shardCount);
  expect(cost.byOperation.Query).toBeLessThanOrEqual(3 * TABLE.shardCount);
  expect(roundsOf(cost.calls)).toBeLessThanOrEqual(3);
});

it('has a budget here for every request the benchmark measures', () => {
  expect([...costs.keys()].sort()).toEqual([...EXPECTED.map(([name]) => name), ...SHARDED].sort());
});

it.each(['resource connections page', 'history page'])(
  'sends the two calls of a %s in parallel: the second before the first is answered',
  (name) => {
    const [first, second] = [...costs.get(name)!.calls].sort((a, b) => a.sent - b.sent);

    expect(second!.sent).toBeLessThan(first!.answered);
  },
);
