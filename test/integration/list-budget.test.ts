/**
 * Every list request's work is bounded (docs/api.md, Paging): one request examines at most 1,000
 * stored items, measured by the metered DynamoDB calls. A filter no index covers, with 5,000
 * non-matching items ahead of its one match, answers short or empty pages with a token, each
 * within the budget, and finds the match exactly once; covered filters still answer full pages.
 */
import { monotonicFactory } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { attachMeter, sumScanned } from '../../testkit/meter.ts';
import { seedConnections, seedingClient } from '../../testkit/seed.ts';
import type { Connection } from '#model/representations.ts';
import type { Status } from '#model/vocabulary.ts';
import { MAX_EXAMINED_PER_REQUEST, type Page } from '#store/paging/listing.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { freshScope, pageTokenSecret, tableName } from '../support/integration.ts';

const AHEAD = 5000;
const scope = freshScope();
// A patient client: seeding and reading 1,000 items at a time on a busy machine can take a while.
const client = seedingClient(process.env.DYNAMODB_ENDPOINT!);
const meter = attachMeter(client);
const repo = new ConnectionRepository({ client, tableName, pageTokenSecret });
let match: Connection;

const nextId = monotonicFactory();
const connection = (app: string, status: Status): Connection => {
  const at = new Date().toISOString();
  return {
    id: nextId(),
    ...scope,
    sourceResourceType: 'application',
    sourceResourceId: app,
    targetResourceType: 'instance',
    targetResourceId: 'i-busy',
    status,
    statusReason: null,
    statusDeadline: null,
    details: {},
    createdAt: at,
    updatedAt: at,
    createdBy: 'seed',
    updatedBy: 'seed',
    version: 1,
  };
};

beforeAll(async () => {
  // Ahead of the match in every order a plan reads: by source id (app-0… < app-zzz) and by id.
  const ahead = Array.from({ length: AHEAD }, (_, i) => connection(`app-${String(i).padStart(5, '0')}`, 'pending'));
  match = connection('app-zzz', 'connected');
  await seedConnections(client, tableName, [...ahead, match]);
}, 240_000);

/** Reads every page; returns the ids found and what each request examined. */
async function readAll(list: (nextToken: string | undefined) => Promise<Page<Connection>>) {
  const ids: string[] = [];
  const examined: number[] = [];
  let nextToken: string | undefined;
  do {
    meter.reset();
    const page = await list(nextToken);
    examined.push(sumScanned(meter.calls.filter((c) => c.operation === 'Query')));
    ids.push(...page.items.map((c) => c.id));
    nextToken = page.nextToken ?? undefined;
  } while (nextToken);
  return { ids, examined };
}

describe('a filter no index covers, its one match behind 5,000 that do not match', () => {
  it.each([
    [
      'target type+id + status, includeDeleted',
      { targetResourceType: 'instance', targetResourceId: 'i-busy', status: 'connected', includeDeleted: true },
    ],
    ['target type+id + status', { targetResourceType: 'instance', targetResourceId: 'i-busy', status: 'connected' }],
    [
      'source type + target type+id + status',
      {
        sourceResourceType: 'application',
        targetResourceType: 'instance',
        targetResourceId: 'i-busy',
        status: 'connected',
      },
    ],
  ] as const)('list, %s: every page within the budget, the match found exactly once', async (name, filters) => {
    const { ids, examined } = await readAll((nextToken) =>
      repo.list({ scope, query: { ...filters, limit: 50, nextToken } }),
    );

    expect(ids).toEqual([match.id]);
    expect(Math.max(...examined)).toBeLessThanOrEqual(MAX_EXAMINED_PER_REQUEST);
    expect(examined.length).toBeGreaterThanOrEqual(AHEAD / MAX_EXAMINED_PER_REQUEST);
    console.log(`list budget, ${name}: ${examined.length} requests, examined ${examined.join(', ')}`);
  });

  it('resource connections with a status: every page within the budget, the match found exactly once', async () => {
    const { ids, examined } = await readAll((nextToken) =>
      repo.listForResource({
        scope,
        resource: { type: 'instance', id: 'i-busy' },
        query: { status: 'connected', limit: 100, nextToken },
      }),
    );

    expect(ids).toEqual([match.id]);
    expect(Math.max(...examined)).toBeLessThanOrEqual(MAX_EXAMINED_PER_REQUEST);
    console.log(
      `list budget, resource connections + status: ${examined.length} requests, examined ${examined.join(', ')}`,
    );
  });
});

describe('covered filters', () => {
  it('still answer full pages, each examining only what it returns', async () => {
    meter.reset();
    const bySource = await repo.list({ scope, query: { sourceResourceType: 'application', limit: 100 } });
    const byStatus = await repo.list({ scope, query: { status: 'pending', limit: 100 } });
    const ofResource = await repo.listForResource({
      scope,
      resource: { type: 'instance', id: 'i-busy' },
      query: { limit: 100 },
    });

    expect([bySource.items.length, byStatus.items.length, ofResource.items.length]).toEqual([100, 100, 100]);
    expect(sumScanned(meter.calls)).toBeLessThanOrEqual(100 + 100 + 2 * 100);
  });
});
