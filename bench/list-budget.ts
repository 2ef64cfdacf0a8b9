/**
 * The list budget (docs/api.md, Paging): every list filter combination, read page after
 * page to the end in a large environment, with the items each request examined (the ScannedCount of
 * its Queries, metered on the client) against MAX_EXAMINED_PER_REQUEST.
 *
 * Each filter value is common on its own and the combination is rare: a few "needle" connections
 * (application app-hot → instance i-hot, status disconnected) are the only disconnected ones that
 * touch any of those values, spread from the first item to the last and half of them soft-deleted.
 * So a combination the key cannot cover reads through thousands of non-matching items, which is
 * what the budget bounds. Every read also checks that each match came exactly once.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Connection } from '#model/representations.ts';
import type { ListConnectionsQuery, ResourceConnectionsQuery } from '#model/inputs.ts';
import type { Scope } from '#model/vocabulary.ts';
import { MAX_EXAMINED_PER_REQUEST } from '#store/paging/listing.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { attachMeter, sumScanned } from '../testkit/meter.ts';
import { table, verdict } from './report.ts';
import { generateConnections, HOT_APPLICATION, HOT_INSTANCE, seedConnections } from '../testkit/seed.ts';

/** Items per page the reads ask for: the largest a caller may. */
export const LIMIT = 100;
const NEEDLES = 8;
/** The rare combination's values, each common on its own. */
const VALUES = {
  sourceResourceType: 'application',
  sourceResourceId: HOT_APPLICATION,
  targetResourceType: 'instance',
  targetResourceId: HOT_INSTANCE,
  status: 'disconnected',
} as const;
const RESOURCE = { type: 'instance', id: HOT_INSTANCE } as const;

type Filter = keyof typeof VALUES;

export interface BudgetCase {
  readonly route: 'list' | 'resource connections';
  readonly filters: readonly Filter[];
  readonly includeDeleted: boolean;
}

export interface BudgetRead extends BudgetCase {
  readonly requests: number;
  /** The most items one request examined, and all of them over the read. */
  readonly worstExamined: number;
  readonly examined: number;
  readonly matched: number;
  /** What the seeded data holds for this query, counted in memory. */
  readonly expected: number;
  readonly duplicates: number;
  readonly seconds: number;
}

export interface ListBudget {
  readonly size: number;
  readonly limit: number;
  readonly budget: number;
  readonly seedMs: number;
  readonly reads: BudgetRead[];
}

/** Every query the schema allows: an id only with its type, status or not, deleted or not. */
export function budgetCases(): BudgetCase[] {
  const side = (s: 'source' | 'target'): Filter[][] => [
    [],
    [`${s}ResourceType`],
    [`${s}ResourceType`, `${s}ResourceId`],
  ];
  const cases: BudgetCase[] = [];
  for (const includeDeleted of [false, true]) {
    for (const source of side('source'))
      for (const target of side('target'))
        for (const status of [[], ['status']] as Filter[][])
          cases.push({ route: 'list', filters: [...source, ...target, ...status], includeDeleted });
    for (const status of [[], ['status']] as Filter[][])
      cases.push({ route: 'resource connections', filters: status, includeDeleted });
  }
  return cases;
}

const touchesRare = (c: Connection) =>
  c.sourceResourceType === VALUES.sourceResourceType ||
  c.sourceResourceId === VALUES.sourceResourceId ||
  c.targetResourceType === VALUES.targetResourceType ||
  c.targetResourceId === VALUES.targetResourceId ||
  c.sourceResourceId === RESOURCE.id;

/** The bench's usual spread, made so that only the needles hold the rare combination. */
export function budgetConnections(scope: Scope, size: number): Connection[] {
  const connections = generateConnections(scope, size, true).map((c) =>
    c.status === VALUES.status && touchesRare(c) ? { ...c, status: 'connected' as const, statusReason: null } : c,
  );
  for (let j = 0; j < NEEDLES; j++) {
    const i = j === NEEDLES - 1 ? size - 1 : Math.floor((j * size) / NEEDLES);
    const c = connections[i]!;
    const { deletedAt, ...live } = c;
    connections[i] = {
      ...live,
      ...VALUES,
      statusReason: null,
      // Half the needles deleted, whatever the seeded item was.
      ...(j % 2 === 1 ? { deletedAt: deletedAt ?? c.updatedAt } : {}),
    };
  }
  return connections;
}

function matches(c: Connection, k: BudgetCase): boolean {
  if (c.deletedAt !== undefined && !k.includeDeleted) return false;
  if (k.filters.includes('status') && c.status !== VALUES.status) return false;
  if (k.route === 'resource connections')
    return (
      (c.sourceResourceType === RESOURCE.type && c.sourceResourceId === RESOURCE.id) ||
      (c.targetResourceType === RESOURCE.type && c.targetResourceId === RESOURCE.id)
    );
  return k.filters.every((f) => f === 'status' || c[f] === VALUES[f]);
}

export const caseName = (k: BudgetCase): string =>
  `${k.route === 'list' ? '' : 'resource: '}${k.filters.join(' + ') || '(none)'}`;

export async function measureListBudget(
  seedClient: DynamoDBDocumentClient,
  readClient: DynamoDBDocumentClient,
  tableName: string,
  secret: string,
  size: number,
): Promise<ListBudget> {
  const scope: Scope = { projectSlug: 'bench', environmentSlug: `list-budget-${size}` };
  const connections = budgetConnections(scope, size);
  const seedMs = await seedConnections(seedClient, tableName, connections);
  const repo = new ConnectionRepository({ client: readClient, tableName, pageTokenSecret: secret });
  const meter = attachMeter(readClient);
  const reads: BudgetRead[] = [];
  try {
    for (const k of budgetCases()) {
      const started = performance.now();
      const query = Object.fromEntries(k.filters.map((f) => [f, VALUES[f]]));
      const seen = new Set<string>();
      let [requests, worstExamined, examined, matched, duplicates] = [0, 0, 0, 0, 0];
      let nextToken: string | undefined;
      do {
        meter.reset();
        const paging = { limit: LIMIT, nextToken, ...(k.includeDeleted ? { includeDeleted: true } : {}) };
        const page =
          k.route === 'list'
            ? await repo.list({ scope, query: { ...query, ...paging } as ListConnectionsQuery })
            : await repo.listForResource({
                scope,
                resource: RESOURCE,
                query: { ...query, ...paging } as ResourceConnectionsQuery,
              });
        requests++;
        const scanned = sumScanned(meter.calls);
        worstExamined = Math.max(worstExamined, scanned);
        examined += scanned;
        for (const item of page.items) {
          matched++;
          if (seen.has(item.id)) duplicates++;
          seen.add(item.id);
        }
        nextToken = page.nextToken ?? undefined;
      } while (nextToken);
      const expected = connections.filter((c) => matches(c, k)).length;
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      reads.push({ ...k, requests, worstExamined, examined, matched, expected, duplicates, seconds });
      console.error(`bench:   ${caseName(k)}${k.includeDeleted ? ', includeDeleted' : ''}: ${requests} requests`);
    }
  } finally {
    meter.detach();
  }
  return { size, limit: LIMIT, budget: MAX_EXAMINED_PER_REQUEST, seedMs, reads };
}

/** Every page within the budget, and every match exactly once. */
export const readHolds = (r: BudgetRead, budget: number): boolean =>
  r.worstExamined <= budget && r.matched === r.expected && r.duplicates === 0;

const count = (n: number) => n.toLocaleString('en-US');

export function listBudgetTable(b: ListBudget): string {
  return [
    `### List budget: every filter combination read to the end at ${count(b.size)} connections (half soft-deleted), ${b.limit} per page`,
    table(
      [
        'filters',
        'includeDeleted',
        'requests',
        'worst examined per request',
        'examined in all',
        'matches / expected',
        's',
        `≤ ${count(b.budget)}, each once`,
      ],
      b.reads.map((r) => [
        caseName(r),
        r.includeDeleted ? 'true' : 'false',
        r.requests,
        r.worstExamined,
        count(r.examined),
        `${r.matched} / ${r.expected}${r.duplicates ? ` (${r.duplicates} twice)` : ''}`,
        r.seconds.toFixed(1),
        verdict(readHolds(r, b.budget)),
      ]),
    ),
    [
      `"examined": the ScannedCount of every Query a request sent (metered on the client), against MAX_EXAMINED_PER_REQUEST = ${count(b.budget)}.`,
      `Filter values: ${Object.entries(VALUES)
        .map(([f, v]) => `${f}=${v}`)
        .join(', ')}; "resource:" is GET …/resources/${RESOURCE.type}/${RESOURCE.id}/connections.`,
      `Each value is common; the combination is held only by ${NEEDLES} connections spread from the first item to the last, half deleted.`,
      `Seeding took ${(b.seedMs / 1000).toFixed(1)} s.`,
    ].join(' '),
  ].join('\n\n');
}
