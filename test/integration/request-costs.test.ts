/**
 * The calls-per-request budget: each data route's handler, called in process against DynamoDB
 * Local, sends exactly the DynamoDB calls the request needs and no more. Each extra call is a
 * finding: this fails on it.
 */
import { beforeAll, expect, it } from 'vitest';
import { CASCADE_SIZE, LIST_PAGES, measureRequestCosts, type RequestCost } from '../../testkit/dynamo-costs.ts';
import { attachMeter } from '../../testkit/meter.ts';
import { documentClient } from '#store/connections.ts';
import { freshScope } from '../support/integration.ts';

const EXPECTED = [
  // The connection and its details, one consistent Query of their partition.
  ['get', 200, { Query: 1 }],
  ['get, large details', 200, { Query: 1 }],
  ['create', 201, { TransactWriteItems: 1 }],
  // The key's record is read first (is this a repeat?), then written with the connection.
  ['create, new Idempotency-Key', 201, { GetItem: 1, TransactWriteItems: 1 }],
  ['create, Idempotency-Key replay', 201, { GetItem: 1 }],
  ['patch', 200, { Query: 1, TransactWriteItems: 1 }],
  ['delete', 204, { Query: 1, TransactWriteItems: 1 }],
  ['restore', 200, { Query: 1, TransactWriteItems: 1 }],
  // The pair guard: a duplicate is the only check that needs the table.
  ['validate', 200, { GetItem: 1 }],
  // The page, and beside it the connection, which says whether it is still kept (purged: 404).
  ['history page', 200, { Query: 1, GetItem: 1 }],
  // A new environment has one shard: a page is one Query, whatever the filter.
  ...LIST_PAGES.map(([name]) => [name, 200, { Query: 1 }] as const),
  // The live partition and the deleted one, merged.
  ['list page, includeDeleted', 200, { Query: 2 }],
  ['graph page', 200, { Query: 1 }],
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

it('has a budget here for every request the benchmark measures', () => {
  expect([...costs.keys()].sort()).toEqual(EXPECTED.map(([name]) => name).sort());
});

it.each(['resource connections page', 'history page'])(
  'sends the two calls of a %s in parallel: the second before the first is answered',
  (name) => {
    const [first, second] = [...costs.get(name)!.calls].sort((a, b) => a.sent - b.sent);

    expect(second!.sent).toBeLessThan(first!.answered);
  },
);
