/**
 * GET /graph's cost: whole-environment pages at 2,000 and 20,000 connections (Queries per
 * page, items examined per edge returned, capacity), and neighbourhoods up to depth 3 (Queries,
 * rounds of parallel Queries, edges). Metered like read-amplification.ts: the repository's Query
 * observer for ScannedCount and Count, the client meter for calls, capacity and their overlap.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ResourceType, Scope } from '#model/vocabulary.ts';
import type { GraphQuery } from '#model/inputs.ts';
import type { Direction } from '#store/patterns/neighbourhood.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { attachMeter, roundsOf, sumCapacity } from '../testkit/meter.ts';
import { ms, table, units } from './report.ts';
import { generateConnections, HOT_INSTANCE, seedConnections } from '../testkit/seed.ts';

export interface GraphPaging {
  readonly name: string;
  readonly pages: number;
  readonly edges: number;
  readonly maxQueriesPerPage: number;
  readonly queriesPerPage: number;
  /** ScannedCount over edges returned, over all pages: 1.00 reads only what it returns. */
  readonly examinedPerEdge: number;
  readonly maxExaminedPerPage: number;
  readonly capacityPerPage: number | undefined;
  readonly msPerPage: number;
}

export interface GraphNeighbourhood {
  readonly name: string;
  readonly depth: number;
  readonly queries: number;
  /** The longest chain of Queries each sent after an earlier one was answered. */
  readonly rounds: number;
  readonly edges: number;
  readonly truncated: boolean;
  readonly examined: number;
  readonly capacity: number | undefined;
  readonly ms: number;
}

export interface GraphEnvironment {
  readonly size: number;
  readonly seedMs: number;
  readonly paging: GraphPaging[];
  readonly neighbourhoods: GraphNeighbourhood[];
}

const PAGINGS: readonly [string, GraphQuery][] = [
  ['default (500)', {}],
  ['limit 1000', { limit: 1000 }],
  ['status=failed, limit 1000', { status: 'failed', limit: 1000 }],
];

const NEIGHBOURHOODS: readonly [string, ResourceType, string, Direction][] = [
  [`instance/${HOT_INSTANCE} both`, 'instance', HOT_INSTANCE, 'both'],
  ['database/database-3 both', 'database', 'database-3', 'both'],
  ['firewall/firewall-3 in', 'firewall', 'firewall-3', 'in'],
  ['application/application-3 out', 'application', 'application-3', 'out'],
];

export async function measureGraph(
  seedClient: DynamoDBDocumentClient,
  readClient: DynamoDBDocumentClient,
  tableName: string,
  secret: string,
  size: number,
): Promise<GraphEnvironment> {
  const scope: Scope = { projectSlug: 'bench', environmentSlug: `graph-${size}` };
  const seedMs = await seedConnections(seedClient, tableName, generateConnections(scope, size, false));
  const reads = { scanned: 0 };
  const repo = new ConnectionRepository({
    client: readClient,
    tableName,
    pageTokenSecret: secret,
    observeQuery: ({ scannedCount }) => {
      reads.scanned += scannedCount;
    },
  });
  const meter = attachMeter(readClient);
  try {
    const paging: GraphPaging[] = [];
    for (const [name, query] of PAGINGS) {
      const perPage: { queries: number; scanned: number; edges: number; capacity: number | undefined }[] = [];
      const started = performance.now();
      let nextToken: string | undefined;
      do {
        reads.scanned = 0;
        meter.reset();
        const page = await repo.graph({ scope, query: { ...query, nextToken } });
        perPage.push({
          queries: meter.calls.length,
          scanned: reads.scanned,
          edges: page.edges.length,
          capacity: sumCapacity(meter.calls),
        });
        nextToken = page.nextToken ?? undefined;
      } while (nextToken);
      const total = (pick: (p: (typeof perPage)[number]) => number) => perPage.reduce((sum, p) => sum + pick(p), 0);
      const capacities = perPage.map((p) => p.capacity);
      paging.push({
        name,
        pages: perPage.length,
        edges: total((p) => p.edges),
        maxQueriesPerPage: Math.max(...perPage.map((p) => p.queries)),
        queriesPerPage: total((p) => p.queries) / perPage.length,
        examinedPerEdge:
          total((p) => p.scanned) /
          Math.max(
            1,
            total((p) => p.edges),
          ),
        maxExaminedPerPage: Math.max(...perPage.map((p) => p.scanned)),
        capacityPerPage: capacities.every((c) => c !== undefined)
          ? capacities.reduce((a, b) => a + b, 0) / perPage.length
          : undefined,
        msPerPage: (performance.now() - started) / perPage.length,
      });
    }
    const neighbourhoods: GraphNeighbourhood[] = [];
    for (const [name, resourceType, resourceId, direction] of NEIGHBOURHOODS) {
      reads.scanned = 0;
      meter.reset();
      const started = performance.now();
      const graph = await repo.graph({ scope, query: { resourceType, resourceId, depth: 3, direction } });
      neighbourhoods.push({
        name,
        depth: 3,
        queries: meter.calls.length,
        rounds: roundsOf(meter.calls),
        edges: graph.edges.length,
        truncated: graph.truncated,
        examined: reads.scanned,
        capacity: sumCapacity(meter.calls),
        ms: performance.now() - started,
      });
    }
    return { size, seedMs, paging, neighbourhoods };
  } finally {
    meter.detach();
  }
}

export function graphTables(environments: readonly GraphEnvironment[]): string {
  const count = (n: number) => n.toLocaleString('en-US');
  return [
    '### GET /graph: whole-environment pages, read to the end',
    table(
      [
        'connections',
        'pages',
        'edges',
        'Queries per page (max)',
        'examined per edge',
        'examined per page (max)',
        'CU per page',
        'ms per page',
      ],
      environments.flatMap((e) =>
        e.paging.map((p) => [
          `${count(e.size)}: ${p.name}`,
          p.pages,
          p.edges,
          `${p.queriesPerPage.toFixed(2)} (${p.maxQueriesPerPage})`,
          p.examinedPerEdge.toFixed(2),
          p.maxExaminedPerPage,
          units(p.capacityPerPage),
          ms(p.msPerPage),
        ]),
      ),
    ),
    '### GET /graph: neighbourhoods at depth 3 (at most 1,000 edges, then truncated)',
    table(
      ['connections', 'from', 'Queries', 'rounds', 'edges', 'truncated', 'examined', 'CU', 'ms'],
      environments.flatMap((e) =>
        e.neighbourhoods.map((n) => [
          count(e.size),
          n.name,
          n.queries,
          n.rounds,
          n.edges,
          n.truncated ? 'yes' : 'no',
          n.examined,
          units(n.capacity),
          ms(n.ms),
        ]),
      ),
    ),
    `Seeding: ${environments.map((e) => `${count(e.size)} in ${(e.seedMs / 1000).toFixed(1)} s`).join(', ')}.`,
  ].join('\n\n');
}
