/**
 * What every route costs under the partition model (testkit/partition-model.ts), by AWS's rules:
 * read and write request units per request, the Queries and rounds of calls it sends, for a given
 * design (shard growth, index projection, where details go), details size and environment size.
 * The requests go through the repository, the very store code the handlers call (the handlers add
 * no DynamoDB call). Reads are measured on a seeded platform-shaped environment (a fifth of it
 * soft-deleted) at its shard count; writes on connections created for the purpose. Each request is
 * measured as a warm function sends it: the environment's shard count read already (a function
 * reads it once per SHARD_TIMING.cacheMs).
 */
import type { Connection } from '#model/representations.ts';
import type { ListConnectionsQuery } from '#model/inputs.ts';
import type { Scope } from '#model/vocabulary.ts';
import { createDocumentClient } from '#store/client.ts';
import { ConnectionRepository } from '#store/repository.ts';
import type { Layout } from '#store/table-definition.ts';
import { attachMeter, roundsOf } from '../testkit/meter.ts';
import { attachPartitionModel, totals, type ModelOptions } from '../testkit/partition-model.ts';
import { detailsOfSize, platformConnections } from './platform.ts';
import { seedConnections } from '../testkit/seed.ts';

export interface Design {
  readonly name: string;
  readonly layout: Layout;
  readonly projection: ModelOptions['projection'];
  readonly indexes?: ModelOptions['indexes'];
}

export interface RouteCost {
  readonly route: string;
  readonly read: number;
  readonly write: number;
  /** What the figures are for: one request, or one of many (per edge, per connection). */
  readonly per: number;
  /** Queries the request sent, and its rounds of calls (calls answered before the next are sent). */
  readonly queries: number;
  readonly rounds: number;
}

export interface Environment {
  /** Connections in it: a platform of servers with 7 each. */
  readonly size: number;
  /** Its shard count, as if it had grown to it long ago. */
  readonly shardCount: number;
}

/** List page sizes the costs are measured at: the default and both sides of it. */
export const PAGE_SIZES = [20, 50, 100] as const;

const LISTS = (app: Connection): [string, ListConnectionsQuery][] => [
  ['no filter', {}],
  ['sourceResourceType', { sourceResourceType: 'application' }],
  ['source type+id', { sourceResourceType: 'application', sourceResourceId: app.sourceResourceId }],
  ['targetResourceType', { targetResourceType: 'instance' }],
  ['target type+id', { targetResourceType: 'instance', targetResourceId: app.targetResourceId }],
  ['status', { status: 'connected' }],
  ['includeDeleted', { includeDeleted: true }],
];

export async function measureRoutes(
  endpoint: string,
  tableName: string,
  secret: string,
  design: Design,
  detailsBytes: number,
  environment: Environment,
): Promise<RouteCost[]> {
  const client = createDocumentClient(endpoint);
  const model = attachPartitionModel(client, { projection: design.projection, indexes: design.indexes });
  model.throttling = false;
  const meter = attachMeter(client);
  const repo = new ConnectionRepository({ client, tableName, pageTokenSecret: secret, layout: design.layout });
  const scope: Scope = {
    projectSlug: 'capacity',
    environmentSlug: `${design.name}-${detailsBytes}-${environment.size}`.replace(/[^a-z0-9-]/g, '-'),
  };
  const details = detailsOfSize(detailsBytes);
  const servers = Math.max(1, Math.round(environment.size / 7));
  const background = platformConnections(scope, servers, detailsBytes, 'connected').map((c, i) =>
    i % 5 === 4 ? { ...c, deletedAt: c.updatedAt } : c,
  );
  await seedConnections(client, tableName, background, { layout: design.layout, shardCount: environment.shardCount });

  const costs: RouteCost[] = [];
  const measure = async <T>(route: string, work: () => Promise<T>, per: (result: T) => number = () => 1) => {
    await repo.storeTable.shards.state(scope);
    model.reset();
    meter.reset();
    const result = await work();
    const { read, write } = totals(model.charges);
    const n = per(result);
    const calls = meter.calls.filter((c) => !c.operation.endsWith('(COUNT)'));
    costs.push({
      route,
      read: read / n,
      write: write / n,
      per: n,
      queries: calls.filter((c) => c.operation === 'Query').length,
      rounds: roundsOf(calls),
    });
    return result;
  };
  const input = (app: string) => ({
    sourceResourceType: 'application' as const,
    sourceResourceId: app,
    targetResourceType: 'instance' as const,
    targetResourceId: 'i-measured',
    details,
  });

  const { connection } = await measure('create', () => repo.create({ scope, input: input('app-m1'), actor: 'u' }));
  await measure('create with Idempotency-Key', () =>
    repo.create({ scope, input: input('app-m2'), actor: 'u', idempotencyKey: 'capacity' }),
  );
  const id = connection.id;
  await measure('get', () => repo.get({ scope, id }));
  await measure('patch: status', () => repo.update({ scope, id, patch: { status: 'connecting' }, actor: 'u' }));
  await measure('patch: details', () =>
    repo.update({
      scope,
      id,
      patch: { details: detailsBytes ? detailsOfSize(detailsBytes, 'y') : { port: 1 } },
      actor: 'u',
    }),
  );
  await measure('delete', () => repo.delete({ scope, id, actor: 'u' }));
  await measure('restore', () => repo.restore({ scope, id, actor: 'u' }));
  await measure('history page', () => repo.history({ scope, id, query: {} }));

  const app = background.find((c) => c.deletedAt === undefined && c.sourceResourceType === 'application')!;
  for (const limit of PAGE_SIZES) {
    for (const [name, query] of LISTS(app)) {
      await measure(listRoute(name, limit), () => repo.list({ scope, query: { ...query, limit } }));
    }
  }
  await measure('resource connections page', () =>
    repo.listForResource({ scope, resource: { type: 'instance', id: app.targetResourceId }, query: {} }),
  );
  await measure('graph page', () => repo.graph({ scope, query: {} }));
  await measure(
    'graph page (per edge)',
    () => repo.graph({ scope, query: {} }),
    (graph) => Math.max(1, graph.edges.length),
  );
  await measure('neighbourhood, depth 2', () =>
    repo.graph({ scope, query: { resourceType: 'instance', resourceId: app.targetResourceId, depth: 2 } }),
  );

  for (let i = 0; i < 20; i++) {
    await repo.create({ scope, input: { ...input(`app-c${i}`), targetResourceId: 'i-cascade' }, actor: 'u' });
  }
  await measure(
    'cascade (per connection)',
    () => repo.deleteAllForResource({ scope, resource: { type: 'instance', id: 'i-cascade' }, actor: 'u' }),
    (result) => result.deleted,
  );
  meter.detach();
  model.detach();
  client.destroy();
  return costs;
}

/** A list route's name at a page size: the default page size is the plain name. */
export const listRoute = (filter: string, limit = 50): string =>
  `list page: ${filter}${limit === 50 ? '' : ` (limit ${limit})`}`;

/** Natural shard count of an environment of `size` live connections growing at `growthConnections` per shard. */
export function naturalShards(size: number, growthConnections: number, max: number): number {
  let count = 1;
  while (count < max && size > growthConnections * count) count *= 2;
  return count;
}
