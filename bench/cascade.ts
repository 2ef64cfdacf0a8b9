/**
 * The cascade at size (docs/api.md): DELETE …/resources/instance/i-cascade/connections
 * through the real handler, in process, with its default time budget and the deployed function's
 * timeout, repeated as a caller would
 * until it answers 200 `complete: true`; then every page of the resource's connections is read to
 * show that none is live, and a neighbour's connections to show that they are untouched.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import { storedItems } from '#store/connection-item.ts';
import type { Connection } from '#model/representations.ts';
import type { ResourceType, ResourceRef, Scope } from '#model/vocabulary.ts';
import { keys } from '#store/keys.ts';
import { CASCADE_TIME_BUDGET_MS } from '#store/patterns/cascade.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { ms, table, verdict } from './report.ts';
import { routeById } from '../functions/routes.ts';
import { lambdaContext } from '../local/gateway.ts';
import { apiEvent, handlerOf } from '../testkit/requests.ts';
import { seedItems } from '../testkit/seed.ts';

const RESOURCE: ResourceRef = { type: 'instance', id: 'i-cascade' };
const NEIGHBOUR: ResourceRef = { type: 'instance', id: 'i-neighbour' };
const NEIGHBOUR_CONNECTIONS = 100;
/** A caller gives up here: far more requests than any budget should need. */
const MAX_REQUESTS = 50;

export interface CascadeRequest {
  readonly status: number;
  readonly ms: number;
  readonly deleted: number;
  readonly complete: boolean;
  readonly retryAfter: string | null;
}

export interface CascadeRun {
  readonly size: number;
  readonly budgetMs: number;
  readonly seedMs: number;
  readonly requests: CascadeRequest[];
  /** Live connections of the resource after the last request, read page by page. */
  readonly liveLeft: number;
  readonly deletedInAll: number;
  readonly neighbourLive: number;
}

/** Connections of `resource`, on both sides, each with its own peer (so each pair is unique). */
function connectionsOf(scope: Scope, resource: ResourceRef, count: number, tag: string): Connection[] {
  const nextId = monotonicFactory();
  const start = Date.parse('2026-01-01T00:00:00Z');
  const shapes: [ResourceType, 'in' | 'out'][] = [
    ['application', 'in'],
    ['terminal', 'in'],
    ['firewall', 'out'],
    ['database', 'out'],
  ];
  return Array.from({ length: count }, (_, i): Connection => {
    const [peerType, direction] = shapes[i % shapes.length]!;
    const peer = { type: peerType, id: `${peerType}-${tag}-${i}` };
    const [source, target] = direction === 'in' ? [peer, resource] : [resource, peer];
    const at = new Date(start + i * 1000).toISOString();
    return {
      id: nextId(start + i * 1000),
      ...scope,
      sourceResourceType: source.type,
      sourceResourceId: source.id,
      targetResourceType: target.type,
      targetResourceId: target.id,
      status: 'connected',
      statusReason: null,
      statusDeadline: null,
      details: { seededBy: 'bench' },
      createdAt: at,
      updatedAt: at,
      createdBy: 'bench',
      updatedBy: 'bench',
      version: 1,
    };
  });
}

/** Each connection's item and the pair guard a create would have claimed with it. */
const itemsOf = (scope: Scope, connections: readonly Connection[]) =>
  connections.flatMap((c) => [
    ...storedItems(c),
    {
      ...keys.pairGuard(
        scope,
        { type: c.sourceResourceType, id: c.sourceResourceId },
        { type: c.targetResourceType, id: c.targetResourceId },
      ),
      connectionId: c.id,
      createdAt: c.updatedAt,
    },
  ]);

async function liveCount(repo: ConnectionRepository, scope: Scope, resource: ResourceRef): Promise<number> {
  let live = 0;
  let nextToken: string | undefined;
  do {
    const page = await repo.listForResource({ scope, resource, query: { limit: 100, nextToken } });
    live += page.items.length;
    nextToken = page.nextToken ?? undefined;
  } while (nextToken);
  return live;
}

export async function measureCascade(
  seedClient: DynamoDBDocumentClient,
  readClient: DynamoDBDocumentClient,
  tableName: string,
  secret: string,
  size: number,
): Promise<CascadeRun> {
  const scope: Scope = { projectSlug: 'bench', environmentSlug: `cascade-${size}` };
  const seedMs = await seedItems(seedClient, tableName, [
    ...itemsOf(scope, connectionsOf(scope, RESOURCE, size, 'c')),
    ...itemsOf(scope, connectionsOf(scope, NEIGHBOUR, NEIGHBOUR_CONNECTIONS, 'n')),
  ]);
  const handler = await handlerOf('deleteResourceConnections');
  // The deployed function's timeout (29 s), not the tests' 10 s context: middy answers 503 when it nears.
  const timeoutMs = (routeById('deleteResourceConnections').timeoutSeconds ?? 10) * 1000;
  const requests: CascadeRequest[] = [];
  for (let done = false; !done && requests.length < MAX_REQUESTS;) {
    const started = performance.now();
    const context = lambdaContext('delete-resource-connections', undefined, timeoutMs);
    const event = apiEvent('deleteResourceConnections', scope, {
      path: { resourceType: RESOURCE.type, resourceId: RESOURCE.id },
    });
    const answer = await handler(event, context as never);
    const elapsed = performance.now() - started;
    const status = answer.statusCode ?? 200;
    const body = JSON.parse(answer.body ?? '{}') as { deleted?: number; complete?: boolean };
    const headers = Object.fromEntries(Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    requests.push({
      status,
      ms: elapsed,
      deleted: body.deleted ?? 0,
      complete: body.complete === true,
      retryAfter: headers['retry-after'] === undefined ? null : String(headers['retry-after']),
    });
    console.error(`bench:   cascade request ${requests.length}: ${status} in ${Math.round(elapsed)} ms`);
    // Anything but 202 ends it: 200 is done, any other answer is a failure the table shows.
    done = status !== 202;
  }
  const repo = new ConnectionRepository({ client: readClient, tableName, pageTokenSecret: secret });
  return {
    size,
    budgetMs: Number(process.env.CASCADE_TIME_BUDGET_MS ?? CASCADE_TIME_BUDGET_MS),
    seedMs,
    requests,
    liveLeft: await liveCount(repo, scope, RESOURCE),
    deletedInAll: requests.reduce((sum, r) => sum + r.deleted, 0),
    neighbourLive: await liveCount(repo, scope, NEIGHBOUR),
  };
}

/** Complete, nothing live left, each connection deleted once, the neighbour untouched. */
export const cascadeHolds = (c: CascadeRun): boolean =>
  c.requests.at(-1)?.status === 200 &&
  c.requests.at(-1)?.complete === true &&
  c.liveLeft === 0 &&
  c.deletedInAll === c.size &&
  c.neighbourLive === NEIGHBOUR_CONNECTIONS;

export function cascadeTable(c: CascadeRun): string {
  const count = (n: number) => n.toLocaleString('en-US');
  return [
    `### Cascade: DELETE …/resources/${RESOURCE.type}/${RESOURCE.id}/connections with ${count(c.size)} connections, through the handler, time budget ${count(c.budgetMs)} ms`,
    table(
      ['request', 'status', 'ms', 'deleted', 'complete', 'Retry-After'],
      c.requests.map((r, i) => [i + 1, r.status, ms(r.ms), r.deleted, String(r.complete), r.retryAfter ?? '–']),
    ),
    [
      `${c.requests.length} request(s), ${(c.requests.reduce((sum, r) => sum + r.ms, 0) / 1000).toFixed(1)} s in all (the caller's Retry-After waits not included);`,
      `deleted ${count(c.deletedInAll)} of ${count(c.size)}; live connections of the resource left, read page by page: ${c.liveLeft};`,
      `a neighbour's ${NEIGHBOUR_CONNECTIONS} connections still live: ${c.neighbourLive}: ${verdict(cascadeHolds(c))}.`,
      `Seeding (connections and their pair guards) took ${(c.seedMs / 1000).toFixed(1)} s.`,
    ].join(' '),
  ].join('\n\n');
}
