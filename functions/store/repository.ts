/**
 * The connections repository: every read and write of the table behind one object, for tests,
 * benchmarks and scripts (a function calls the one pattern its route needs, so that its bundle
 * carries nothing else). Each method is one named access pattern in ./patterns/ (create, the
 * versioned change that patch, delete and restore share, the pair guard, lists, history, cascade);
 * the decisions they make are the pure functions of ../domain/decisions.ts. Each change is one
 * conditional transaction that writes the connection with its pair guard and its history entry,
 * so no partial change is ever visible and a refused change writes nothing.
 */
import type { CascadeResult, Connection, Graph, HistoryEntry } from '#model/representations.ts';
import type {
  GraphQuery,
  ListConnectionsQuery,
  ResourceConnectionsQuery,
  UpdateConnectionInput,
} from '#model/inputs.ts';
import { readGraph } from './patterns/graph.ts';
import type { ResourceRef, Scope } from '#model/vocabulary.ts';
import type { Page } from './paging/listing.ts';
import { ShardDirectory, type ShardTiming } from './shards.ts';
import { deleteAllForResource, type CascadeOptions } from './patterns/cascade.ts';
import { readConnection, type ChangeOptions, type Changed } from './patterns/change.ts';
import { deleteConnection, restoreConnection, updateConnection } from './patterns/changes.ts';
import { checkCreate, create, type CreateOptions, type Created } from './patterns/create.ts';
import { listConnections, listHistory, listResourceConnections, type PageQuery } from './patterns/lists.ts';
import type { StoreTable } from './patterns/table.ts';
import { DEFAULT_LAYOUT, type Layout } from './table-definition.ts';

/**
 * The table as the access patterns take it (StoreTable), with its layout and shard directory made
 * here unless given: one options type, stated once.
 */
export type RepositoryOptions = Omit<StoreTable, 'layout' | 'shards'> & {
  /** @default DEFAULT_LAYOUT, the table definition's */
  readonly layout?: Layout | undefined;
  /** How long a shard count is trusted, and when writers switch (tests shorten it). @default SHARD_TIMING */
  readonly shardTiming?: ShardTiming | undefined;
};

export class ConnectionRepository {
  private readonly table: StoreTable;

  constructor(options: RepositoryOptions) {
    const layout = options.layout ?? DEFAULT_LAYOUT;
    this.table = { ...options, layout, shards: new ShardDirectory(options, layout.shards, options.shardTiming) };
  }

  /** The table as the access patterns see it: for tests and benchmarks that call a pattern directly. */
  get storeTable(): StoreTable {
    return this.table;
  }

  /** With an Idempotency-Key, a repeat within 24 hours answers the first result again (`replayed`). */
  create(options: CreateOptions): Promise<Created> {
    return create(this.table, options);
  }

  /** Every check a create runs (pair rule, duplicate), writing nothing. */
  checkCreate(options: Pick<CreateOptions, 'scope' | 'input'>): Promise<void> {
    return checkCreate(this.table, options);
  }

  get(options: { scope: Scope; id: string; includeDeleted?: boolean | undefined }): Promise<Connection> {
    return readConnection(this.table, options);
  }

  update(options: ChangeOptions & { patch: UpdateConnectionInput }): Promise<Changed> {
    return updateConnection(this.table, options);
  }

  /** Soft delete: the record and its history stay; the pair guard is released. */
  delete(options: ChangeOptions): Promise<Changed> {
    return deleteConnection(this.table, options);
  }

  /** Undoes a soft delete: back to `pending`, its resources must be connected again. */
  restore(options: ChangeOptions): Promise<Changed> {
    return restoreConnection(this.table, options);
  }

  list(options: { scope: Scope; query: ListConnectionsQuery }): Promise<Page<Connection>> {
    return listConnections(this.table, options);
  }

  listForResource(options: {
    scope: Scope;
    resource: ResourceRef;
    query: ResourceConnectionsQuery;
  }): Promise<Page<Connection>> {
    return listResourceConnections(this.table, options);
  }

  /** The environment as nodes and edges: a page of it, or one resource's neighbourhood (patterns/graph.ts). */
  graph({ scope, query }: { scope: Scope; query: GraphQuery }): Promise<Graph> {
    return readGraph(this.table, scope, query);
  }

  /** A connection's changes, oldest first; kept after a delete. 404 only for an id never used here. */
  history(options: { scope: Scope; id: string; query: PageQuery }): Promise<Page<HistoryEntry>> {
    return listHistory(this.table, options);
  }

  /** Soft-deletes the live connections of a resource within a time budget; repeat until `complete`. */
  deleteAllForResource(options: CascadeOptions): Promise<CascadeResult> {
    return deleteAllForResource(this.table, options);
  }
}
