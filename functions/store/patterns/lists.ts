/** The lists: connections by filter, a resource's connections, and a connection's history, each a sealed-token page. */
import { toConnection } from '../connection-item.ts';
import type { Connection, HistoryEntry } from '#model/representations.ts';
import { notFound } from '#domain/decisions.ts';
import type { ListConnectionsQuery, ResourceConnectionsQuery } from '#model/inputs.ts';
import { toHistoryEntry } from '../history.ts';
import type { ResourceRef, Scope } from '#model/vocabulary.ts';
import { planConnectionList, planHistory, planResourceConnections, type ListPlan } from '../list-plans.ts';
import { queryPage, type Page } from '../listing.ts';
import type { StoreTable } from './table.ts';

export const DEFAULT_PAGE_SIZE = 50;

export interface PageQuery {
  readonly limit?: number | undefined;
  readonly nextToken?: string | undefined;
}

export function listConnections(
  table: StoreTable,
  { scope, query }: { scope: Scope; query: ListConnectionsQuery },
): Promise<Page<Connection>> {
  return page(table, planConnectionList(scope, query), query, toConnection);
}

export function listResourceConnections(
  table: StoreTable,
  { scope, resource, query }: { scope: Scope; resource: ResourceRef; query: ResourceConnectionsQuery },
): Promise<Page<Connection>> {
  return page(table, planResourceConnections(scope, resource, query), query, toConnection);
}

/** A connection's changes, oldest first; kept after a delete. 404 only for an id never used here. */
export async function listHistory(
  table: StoreTable,
  { scope, id, query }: { scope: Scope; id: string; query: PageQuery },
): Promise<Page<HistoryEntry>> {
  const result = await page(table, planHistory(scope, id), query, toHistoryEntry);
  // Every connection has a first entry, so an empty first page means no such connection.
  if (result.items.length === 0 && !query.nextToken) throw notFound();
  return result;
}

function page<T>(
  table: StoreTable,
  plan: ListPlan,
  query: PageQuery,
  map: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  return queryPage(
    table.client,
    table.tableName,
    plan.streams,
    { limit: query.limit ?? DEFAULT_PAGE_SIZE, nextToken: query.nextToken, binding: plan.binding },
    table.pageTokenSecret,
    map,
    table.observeQuery,
  );
}
