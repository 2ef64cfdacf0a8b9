/**
 * A neighbourhood's work is bounded (docs/api.md, the graph): one request examines at most 2,000
 * stored items and sends at most 256 Queries, measured by the metered client; what a budget cuts is
 * answered `truncated: true`, with the nearest hops kept whole. Besides its Queries, a function
 * reads the environment's shard count once in a while (a GetItem).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { attachMeter, sumScanned } from '../../testkit/meter.ts';
import { connectedLink as link } from '../../testkit/connections.ts';
import { seedConnections } from '../../testkit/seed.ts';
import { createDocumentClient } from '#store/client.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { freshScope, pageTokenSecret, tableName, seeder } from '../support/integration.ts';

const metered = createDocumentClient(process.env.DYNAMODB_ENDPOINT);
const meter = attachMeter(metered);
const repo = new ConnectionRepository({ client: metered, tableName, pageTokenSecret });

/** docs/api.md's figures, written out: the store's constants are what is being checked. */
function expectWithinBudget(): void {
  const queries = meter.calls.filter((call) => call.operation === 'Query');
  expect(meter.calls.length - queries.length).toBeLessThanOrEqual(1);
  expect(meter.calls.every((call) => call.operation === 'Query' || call.operation === 'GetItem')).toBe(true);
  expect(queries.length).toBeLessThanOrEqual(256);
  expect(sumScanned(queries)).toBeLessThanOrEqual(2000);
}

describe('a second hop of many busy resources', () => {
  // A firewall in front of 12 servers, each with 400 applications: 4,812 edges within two hops.
  const scope = freshScope();
  const servers = Array.from({ length: 12 }, (_, i) => `i-${i}`);
  const nearest = servers.map((server) => link(scope, ['instance', server], ['firewall', 'fw-root']));
  const far = servers.flatMap((server) =>
    Array.from({ length: 400 }, (_, a) => link(scope, ['application', `${server}-app-${a}`], ['instance', server])),
  );

  beforeAll(async () => {
    await seedConnections(seeder, tableName, [...nearest, ...far]);
  }, 180_000);

  it('examines at most 2,000 items, answers 1,000 edges truncated, the first hop whole', async () => {
    meter.reset();

    const graph = await repo.graph({ scope, query: { resourceType: 'firewall', resourceId: 'fw-root', depth: 2 } });

    expectWithinBudget();
    expect(graph.truncated).toBe(true);
    expect(graph.edges).toHaveLength(1000);
    const ids = new Set(graph.edges.map((e) => e.id));
    for (const edge of nearest) expect(ids.has(edge.id)).toBe(true);
    const reachable = new Set([...nearest, ...far].map((c) => c.id));
    for (const id of ids) expect(reachable.has(id)).toBe(true);
  });
});

describe('a second hop wider than the Queries left', () => {
  // A database reached by 300 servers, each with its own application: 600 edges within two hops,
  // but the second hop alone would be 600 Queries (each server as source and as target).
  const scope = freshScope();
  const servers = Array.from({ length: 300 }, (_, i) => `i-${i}`);
  const first = servers.map((server) => link(scope, ['instance', server], ['database', 'db-root']));
  const second = servers.map((server) => link(scope, ['application', `${server}-app`], ['instance', server]));

  beforeAll(async () => {
    await seedConnections(seeder, tableName, [...first, ...second]);
  }, 180_000);

  it('sends at most 256 Queries and answers what the nearer hops reached, truncated', async () => {
    meter.reset();

    const graph = await repo.graph({ scope, query: { resourceType: 'database', resourceId: 'db-root', depth: 2 } });

    expectWithinBudget();
    expect(graph.truncated).toBe(true);
    const ids = new Set(graph.edges.map((e) => e.id));
    for (const edge of first) expect(ids.has(edge.id)).toBe(true);
  });

  it('answers the first hop whole when that is all it is asked for', async () => {
    meter.reset();

    const graph = await repo.graph({ scope, query: { resourceType: 'database', resourceId: 'db-root', depth: 1 } });

    expectWithinBudget();
    expect(graph.truncated).toBe(false);
    expect(graph.edges.map((e) => e.id).sort()).toEqual(first.map((c) => c.id).sort());
  });
});
