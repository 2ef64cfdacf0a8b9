/**
 * What every route costs under the partition model (testkit/partition-model.ts), by AWS's rules:
 * read and write request units per request, for a given layout, index projection and details size.
 * The requests go through the repository, the very store code the handlers call (the handlers add
 * no DynamoDB call). Reads are measured on a seeded platform-shaped environment of 700 connections
 * (a fifth of them soft-deleted); writes on connections created for the purpose.
 */
import { createDocumentClient } from '#store/client.ts';
import { ConnectionRepository } from '#store/repository.ts';
import type { Layout } from '#store/table-definition.ts';
import type { Scope } from '#model/vocabulary.ts';
import { attachPartitionModel, totals, type ModelOptions } from '../testkit/partition-model.ts';
import { detailsOfSize, platformConnections } from '../testkit/platform.ts';
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
}

const SERVERS = 100;

export async function measureRoutes(
  endpoint: string,
  tableName: string,
  secret: string,
  design: Design,
  detailsBytes: number,
): Promise<RouteCost[]> {
  const client = createDocumentClient(endpoint);
  const model = attachPartitionModel(client, { projection: design.projection, indexes: design.indexes });
  model.throttling = false;
  const repo = new ConnectionRepository({ client, tableName, pageTokenSecret: secret, layout: design.layout });
  const scope: Scope = {
    projectSlug: 'capacity',
    environmentSlug: `${design.name}-${detailsBytes}`.replace(/[^a-z0-9-]/g, '-'),
  };
  const details = detailsOfSize(detailsBytes);
  const background = platformConnections(scope, SERVERS, detailsBytes, 'connected').map((c, i) =>
    i % 5 === 4 ? { ...c, deletedAt: c.updatedAt } : c,
  );
  await seedConnections(client, tableName, background, design.layout);

  const costs: RouteCost[] = [];
  const measure = async <T>(route: string, work: () => Promise<T>, per: (result: T) => number = () => 1) => {
    model.reset();
    const result = await work();
    const { read, write } = totals(model.charges);
    const n = per(result);
    costs.push({ route, read: read / n, write: write / n, per: n });
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
  const server = app.targetResourceId;
  const lists: [string, Parameters<typeof repo.list>[0]['query']][] = [
    ['list page: no filter', {}],
    ['list page: sourceResourceType', { sourceResourceType: 'application' }],
    ['list page: source type+id', { sourceResourceType: 'application', sourceResourceId: app.sourceResourceId }],
    ['list page: targetResourceType', { targetResourceType: 'instance' }],
    ['list page: target type+id', { targetResourceType: 'instance', targetResourceId: server }],
    ['list page: status', { status: 'connected' }],
    ['list page: includeDeleted', { includeDeleted: true }],
  ];
  for (const [route, query] of lists) await measure(route, () => repo.list({ scope, query }));
  await measure('resource connections page', () =>
    repo.listForResource({ scope, resource: { type: 'instance', id: server }, query: {} }),
  );
  await measure(
    'graph page (per edge)',
    () => repo.graph({ scope, query: {} }),
    (graph) => graph.edges.length,
  );
  await measure('neighbourhood, depth 2', () =>
    repo.graph({ scope, query: { resourceType: 'instance', resourceId: server, depth: 2 } }),
  );

  for (let i = 0; i < 20; i++) {
    await repo.create({ scope, input: { ...input(`app-c${i}`), targetResourceId: 'i-cascade' }, actor: 'u' });
  }
  await measure(
    'cascade (per connection)',
    () => repo.deleteAllForResource({ scope, resource: { type: 'instance', id: 'i-cascade' }, actor: 'u' }),
    (result) => result.deleted,
  );
  model.detach();
  client.destroy();
  return costs;
}
