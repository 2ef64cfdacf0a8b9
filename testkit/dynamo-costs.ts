/**
 * DynamoDB calls and consumed capacity per request: each data route's handler is called in process
 * with a meter on the shared document client, one request at a time, as a warm function serves
 * them (the environment's shard count read just before: a function reads it once per
 * SHARD_TIMING.cacheMs). The budgets are docs/capacity.md's: a request cannot cost less than the calls it
 * needs, and each extra call is a finding. A create's occasional size check (one create in
 * hundreds counts its environment, store/shards.ts) is counted apart.
 */
import type { RouteId } from '../functions/routes.ts';
import type { Scope } from '#model/vocabulary.ts';
import { table } from '#store/connections.ts';
import { callsByOperation, COUNT, sumCapacity, type Meter, type MeteredCall } from './meter.ts';
import { call, type RequestSpec } from './requests.ts';

export interface RequestCost {
  readonly name: string;
  readonly route: RouteId;
  readonly status: number;
  /** What the request sent, in order; for the cascade, per deleted connection (see `per`). */
  readonly calls: readonly MeteredCall[];
  readonly byOperation: Record<string, number>;
  /** Capacity units over all calls; undefined where DynamoDB (Local) reported none. */
  readonly capacity: number | undefined;
  /** At most this many calls of each operation (docs/capacity.md's budget). */
  readonly budget: Record<string, number>;
  /** How many items the figures are for: 1, or the connections the cascade deleted. */
  readonly per: number;
  /** COUNT queries of a create's size check: not in `calls`. */
  readonly sizeChecks: number;
}

/** One read (the connection and its details: one Query), then one conditional transaction: patch, delete, restore. */
const READ_THEN_WRITE = { Query: 1, TransactWriteItems: 1 };

/** How many connections the cascade scenario deletes. */
export const CASCADE_SIZE = 40;

export async function measureRequestCosts(meter: Meter, scope: Scope): Promise<RequestCost[]> {
  const costs: RequestCost[] = [];
  const measure = async (name: string, route: RouteId, budget: Record<string, number>, spec: RequestSpec = {}) => {
    // Read afresh just before: a count read a while ago may expire mid-request on a busy machine.
    table.shards.forget(scope);
    await table.shards.state(scope);
    meter.reset();
    const answer = await call(route, scope, spec);
    const { calls, sizeChecks } = apart(meter.calls);
    costs.push({
      name,
      route,
      status: answer.statusCode,
      calls,
      byOperation: callsByOperation(calls),
      capacity: sumCapacity(calls),
      budget,
      per: 1,
      sizeChecks,
    });
    return answer;
  };
  const pair = (n: number, details?: object) => ({
    sourceResourceType: 'application',
    sourceResourceId: `app-${n}`,
    targetResourceType: 'instance',
    targetResourceId: `i-${n % 3}`,
    ...(details ? { details } : {}),
  });

  // A few dozen connections first, so list pages are full pages.
  for (let n = 100; n < 160; n++) await call('createConnection', scope, { body: pair(n, { port: 8000 + n }) });

  const created = await measure(
    'create',
    'createConnection',
    { TransactWriteItems: 1 },
    { body: pair(1, { port: 8080 }) },
  );
  const id = String(created.body.id);
  const keyed = { body: pair(2), headers: { 'idempotency-key': `bench-${id}` } };
  // The key's record is read (is this a repeat?), then written with the connection.
  await measure('create, new Idempotency-Key', 'createConnection', { GetItem: 1, TransactWriteItems: 1 }, keyed);
  await measure('create, Idempotency-Key replay', 'createConnection', { GetItem: 1 }, keyed);
  await measure('get', 'getConnection', { Query: 1 }, { path: { connectionId: id } });
  // Details too large for the connection item: read with it, in the same one Query.
  // Its own target (sorting after the others): list pages of the first targets stay without details items.
  const large = await call('createConnection', scope, {
    body: { ...pair(4, { notes: 'x'.repeat(1024) }), targetResourceId: 'i-large' },
  });
  await measure('get, large details', 'getConnection', { Query: 1 }, { path: { connectionId: String(large.body.id) } });
  await measure('patch', 'updateConnection', READ_THEN_WRITE, {
    path: { connectionId: id },
    body: { status: 'connecting', details: { port: null, tls: true } },
  });
  await measure('delete', 'deleteConnection', READ_THEN_WRITE, { path: { connectionId: id } });
  await measure('restore', 'restoreConnection', READ_THEN_WRITE, { path: { connectionId: id } });
  await measure('validate', 'validateConnection', { GetItem: 1 }, { body: pair(3) });
  await measure('history page', 'getConnectionHistory', { Query: 1 }, { path: { connectionId: id } });

  // A new environment has one shard: one Query per page, whatever the filter; two with deleted ones.
  for (const [name, query] of LIST_PAGES) await measure(name, 'listConnections', { Query: 1 }, { query });
  await measure('list page, includeDeleted', 'listConnections', { Query: 2 }, { query: 'includeDeleted=true' });
  await measure('graph page', 'getGraph', { Query: 1 });
  await measure(
    'resource connections page',
    'listResourceConnections',
    { Query: 2 },
    { path: { resourceType: 'instance', resourceId: 'i-1' } },
  );

  // The cascade: every live connection of one server, each deleted with its own transaction.
  for (let n = 0; n < CASCADE_SIZE; n++) {
    await call('createConnection', scope, { body: { ...pair(1000 + n), targetResourceId: 'i-cascade' } });
  }
  table.shards.forget(scope);
  await table.shards.state(scope);
  meter.reset();
  const cascade = await call('deleteResourceConnections', scope, {
    path: { resourceType: 'instance', resourceId: 'i-cascade' },
  });
  const { calls, sizeChecks } = apart(meter.calls);
  const deleted = Number(cascade.body.deleted);
  costs.push({
    name: 'cascade',
    route: 'deleteResourceConnections',
    status: cascade.statusCode,
    calls,
    byOperation: callsByOperation(calls),
    capacity: sumCapacity(calls),
    // One transaction per connection (the listing gave its version), two Queries per page of up to 100.
    budget: { Query: 2 * Math.ceil(deleted / 100) + 2, TransactWriteItems: deleted },
    per: deleted,
    sizeChecks,
  });
  return costs;
}

/** A request's calls, and apart from them the COUNT queries of a size check. */
function apart(all: readonly MeteredCall[]): { calls: MeteredCall[]; sizeChecks: number } {
  const calls = all.filter((c) => !c.operation.endsWith(COUNT));
  return { calls, sizeChecks: all.length - calls.length };
}

/** One list page per filter docs/capacity.md budgets: none, and each key-covered single filter. */
export const LIST_PAGES: readonly [string, string][] = [
  ['list page', ''],
  ['list page, sourceResourceType', 'sourceResourceType=application'],
  ['list page, source type+id', 'sourceResourceType=application&sourceResourceId=app-120'],
  ['list page, targetResourceType', 'targetResourceType=instance'],
  ['list page, target type+id', 'targetResourceType=instance&targetResourceId=i-1'],
  ['list page, status', 'status=pending'],
];

/** Whether a request stayed within its budget: no operation it was not allowed, none more often. */
export const withinBudget = (cost: RequestCost): boolean =>
  Object.entries(cost.byOperation).every(([operation, n]) => n <= (cost.budget[operation] ?? 0));
