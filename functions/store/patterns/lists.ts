/** The lists: connections by filter, a resource's connections, and a connection's history, each a sealed-token page. */
import type { Connection, HistoryEntry } from '#model/representations.ts';
import { notFound } from '#domain/decisions.ts';
import type { ListConnectionsQuery, ResourceConnectionsQuery } from '#model/inputs.ts';
import { detailsVersionOf, isExpired } from '../connection-item.ts';
import { withDetails } from '../details.ts';
import { toHistoryEntry } from '../history.ts';
import { keys } from '../keys.ts';
import type { ResourceRef, Scope } from '#model/vocabulary.ts';
import { planConnectionList, planHistory, planResourceConnections, type ListPlan } from '../paging/list-plans.ts';
import { queryPage, type Page } from '../paging/listing.ts';
import type { Stored } from './change.ts';
import { getItem, type StoreTable } from './table.ts';

export const DEFAULT_PAGE_SIZE = 50;

export interface PageQuery {
  readonly limit?: number | undefined;
  readonly nextToken?: string | undefined;
}

export async function listConnections(
  table: StoreTable,
  { scope, query }: { scope: Scope; query: ListConnectionsQuery },
): Promise<Page<Connection>> {
  const page = await rows(table, scope, (shardCount) => planConnectionList(scope, query, shardCount), query);
  return { items: await withDetails(table, scope, page.items), nextToken: page.nextToken };
}

/** A resource's connections as stored (with where their details are): the cascade deletes them from here. */
export async function listResourceStored(
  table: StoreTable,
  { scope, resource, query }: { scope: Scope; resource: ResourceRef; query: ResourceConnectionsQuery },
): Promise<Page<Stored>> {
  const page = await rows(
    table,
    scope,
    (shardCount) => planResourceConnections(scope, resource, query, shardCount),
    query,
  );
  const connections = await withDetails(table, scope, page.items);
  return {
    items: connections.map((connection, i) => ({ connection, detailsVersion: detailsVersionOf(page.items[i]!) })),
    nextToken: page.nextToken,
  };
}

export async function listResourceConnections(
  table: StoreTable,
  options: { scope: Scope; resource: ResourceRef; query: ResourceConnectionsQuery },
): Promise<Page<Connection>> {
  const page = await listResourceStored(table, options);
  return { items: page.items.map((stored) => stored.connection), nextToken: page.nextToken };
}

/**
 * A connection's changes, oldest first; kept after a delete, until its retention ends. 404 for an
 * id never used here, or for a connection purged (past its retention), whose history went with it.
 */
export async function listHistory(
  table: StoreTable,
  { scope, id, query }: { scope: Scope; id: string; query: PageQuery },
): Promise<Page<HistoryEntry>> {
  const [page, connection] = await Promise.all([
    rows(table, scope, () => planHistory(scope, id), query),
    getItem(table, keys.connection(scope, id)),
  ]);
  if (!connection || isExpired(connection)) throw notFound();
  return { items: page.items.map(toHistoryEntry), nextToken: page.nextToken };
}

/**
 * A page of the plan for the environment's current shard count, leaving out rows past their
 * retention. The binding names no count: the token opens (or is refused, before any read) whatever
 * the count is now.
 */
async function rows(
  table: StoreTable,
  scope: Scope,
  plan: (shardCount: number) => ListPlan,
  query: PageQuery,
): Promise<Page<Record<string, unknown>>> {
  const page = await queryPage(
    { ...table, observe: table.observeQuery },
    async () => plan(await table.shards.readCount(scope)).streams,
    { limit: query.limit ?? DEFAULT_PAGE_SIZE, nextToken: query.nextToken, binding: plan(1).binding },
  );
  const now = Date.now();
  return { items: page.items.filter((item) => !isExpired(item, now)), nextToken: page.nextToken };
}
