/**
 * Every storage key is built here and nowhere else. Segments are joined with `#`, which no slug,
 * resource type, resource id or connection id may contain (see model/inputs.ts), so a caller's value can
 * never reach into another key's range. Every character a key segment may hold lies strictly
 * between '!' and '~', which is what lets listing.ts bound a range by appending one of them.
 */
import { createHash } from 'node:crypto';
import type { ResourceRef, ResourceType, Scope, Status } from '#model/vocabulary.ts';
import { DEFAULT_LAYOUT, TABLE, type EnvironmentIndexName } from './table-definition.ts';

/** Live and soft-deleted connections sit in different index partitions: deleted ones cost default lists nothing. */
export type Liveness = 'LIVE' | 'DELETED';

/** What the index keys of a connection are made of. */
export interface Indexed {
  readonly id: string;
  readonly status: Status;
  readonly source: ResourceRef;
  readonly target: ResourceRef;
}

const join = (...segments: string[]): string => segments.join('#');

/**
 * Partitions of the deadline index: the whole table's waiting connections spread over this many,
 * by connection. A status change writes two entries there (a delete and a put, one unit each), so
 * at DynamoDB's 1,000 write units per partition 128 carry 64,000 changes a second, all tenants
 * together. Fixed: changing it re-keys every entry.
 */
export const DEADLINE_SHARDS = 128;
/** `YYYY-MM-DDTHH:MM`: a deadline's minute, the slot that groups the deadline index's entries. */
const MINUTE = 16;

const environment = (scope: Scope, liveness: Liveness): string =>
  join('ENV', scope.projectSlug, scope.environmentSlug, liveness);

/** FNV-1a: small, fast and the same in every runtime; the shard of a value is stable forever. */
export function shardOf(value: string, shardCount: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % shardCount;
}

const shardLabel = (shard: number): string => String(shard).padStart(2, '0');
const resourceOf = (r: ResourceRef): string => join(r.type, r.id);
const deadlinePartition = (shard: number): string => join('DEADLINE', String(shard).padStart(3, '0'));

/**
 * Per index: the partition key before its shard (the environment, and for byStatus the status),
 * the value whose hash picks the shard, and the sort key. A sparse index would answer undefined
 * for the connections it leaves out.
 */
const INDEX_KEYS: Record<
  EnvironmentIndexName,
  { base: (env: string, c: Indexed) => string; sort: (c: Indexed) => string }
> = {
  bySource: { base: (env) => env, sort: (c) => join(resourceOf(c.source), c.id) },
  byTarget: { base: (env) => env, sort: (c) => join(resourceOf(c.target), c.id) },
  byStatus: { base: (env, c) => join(env, c.status), sort: (c) => c.id },
  byEnvironment: { base: (env) => env, sort: (c) => c.id },
};

/** The value whose hash picks a connection's shard in an index. */
function shardValue(index: EnvironmentIndexName, c: Pick<Indexed, 'id' | 'source' | 'target'>): string {
  const by = TABLE.indexes[index].shardBy;
  return by === 'connection' ? c.id : resourceOf(c[by]);
}

export const keys = {
  connection: (scope: Scope, connectionId: string) => ({
    pk: join('CONN', scope.projectSlug, scope.environmentSlug, connectionId),
    sk: 'CONNECTION',
  }),

  /** Details too large to travel with the row: beside the connection, read with it in one Query. */
  details: (scope: Scope, connectionId: string) => ({
    pk: keys.connection(scope, connectionId).pk,
    sk: 'CONNECTION#DETAILS',
  }),
  /** The sort-key prefix the connection and its details item share (and its history does not). */
  connectionPrefix: 'CONNECTION',

  /** One guard item per live (source, target) pair makes duplicates impossible under any concurrency. */
  pairGuard: (scope: Scope, source: ResourceRef, target: ResourceRef) => ({
    pk: join('PAIR', scope.projectSlug, scope.environmentSlug, source.type, source.id, target.type, target.id),
    sk: 'PAIR',
  }),

  history: (scope: Scope, connectionId: string, version: number) => ({
    pk: keys.connection(scope, connectionId).pk,
    sk: `${keys.historyPrefix}${String(version).padStart(10, '0')}`,
  }),
  historyPrefix: 'HISTORY#',

  /**
   * One record per (project, environment, caller, Idempotency-Key). The key is the caller's free
   * text, so it enters the storage key only as a hash.
   */
  idempotency: (scope: Scope, actor: string, idempotencyKey: string) => ({
    pk: join(
      'IDEM',
      scope.projectSlug,
      scope.environmentSlug,
      createHash('sha256').update(`${actor}\n${idempotencyKey}`).digest('hex'),
    ),
    sk: 'IDEMPOTENCY',
  }),

  /** The index attributes of a connection; they move between partitions when it is deleted or restored. */
  indexAttributes: (scope: Scope, liveness: Liveness, c: Indexed, shardCount = DEFAULT_LAYOUT.shardCount) => {
    const env = environment(scope, liveness);
    const attributes: Record<string, string> = {};
    for (const name of Object.keys(INDEX_KEYS) as EnvironmentIndexName[]) {
      const index = TABLE.indexes[name];
      const built = INDEX_KEYS[name];
      attributes[index.partitionKey] = join(built.base(env, c), shardLabel(shardOf(shardValue(name, c), shardCount)));
      attributes[index.sortKey] = built.sort(c);
    }
    return attributes;
  },

  /** Every shard's partition of an index: what an environment-wide read (a whole index, a status) queries. */
  indexPartitions: (
    index: EnvironmentIndexName,
    scope: Scope,
    liveness: Liveness,
    { status, shardCount = DEFAULT_LAYOUT.shardCount }: { status?: Status; shardCount?: number } = {},
  ): string[] => {
    const env = environment(scope, liveness);
    const base = index === 'byStatus' ? join(env, status!) : env;
    return Array.from({ length: shardCount }, (_, shard) => join(base, shardLabel(shard)));
  },

  /** The one partition of bySource (or byTarget) that holds every connection of a resource as source (target). */
  resourcePartition: (
    scope: Scope,
    liveness: Liveness,
    resource: ResourceRef,
    shardCount = DEFAULT_LAYOUT.shardCount,
  ): string => join(environment(scope, liveness), shardLabel(shardOf(resourceOf(resource), shardCount))),

  /**
   * The deadline index's keys of a live connection with a deadline: its shard (by connection id),
   * then the deadline's minute, the project, the deadline, the environment and the id. So a shard
   * lists its waiting connections minute by minute and, within a minute, project by project, each
   * soonest first: the sweep can step over one project's flood to find another's (one Query per
   * step) and share a run fairly between projects. A heartbeat moves the entry within its shard.
   */
  deadlineIndex: (scope: Scope, connectionId: string, deadline: string) => ({
    [TABLE.indexes.byDeadline.partitionKey]: deadlinePartition(shardOf(connectionId, DEADLINE_SHARDS)),
    [TABLE.indexes.byDeadline.sortKey]: join(
      deadline.slice(0, MINUTE),
      scope.projectSlug,
      deadline,
      scope.environmentSlug,
      connectionId,
    ),
  }),
  resourcePrefix: (type: ResourceType, id?: string) => (id === undefined ? join(type, '') : join(type, id, '')),
};

/**
 * What only the deadline sweep reads keys with, kept out of `keys`: esbuild drops an object nobody
 * imports, never the unused members of one that is, so the functions that never sweep leave it out.
 */
export const deadlineSweepKeys = {
  /** Every partition of the deadline index. */
  partitions: (): string[] => Array.from({ length: DEADLINE_SHARDS }, (_, shard) => deadlinePartition(shard)),
  /**
   * The last sort key of the minutes up to `now`'s: entries at or below it are due at `now`, save
   * those of `now`'s own minute not due yet ('~' sorts after '#' and after every character of a
   * slug, a time or an id).
   */
  dueUntil: (now: string): string => `${now.slice(0, MINUTE)}#~`,
  /** The first sort key of `time`'s minute: entries below it are all due at `time`. */
  minuteStart: (time: string): string => `${time.slice(0, MINUTE)}#`,
  /**
   * An entry's sort key read back: its group (the entries of one project due in one minute), the
   * project, the deadline.
   */
  entryOf: (sortKey: string): { group: string; project: string; deadline: string } => {
    const [minute, project, deadline] = sortKey.split('#');
    return { group: join(minute!, project!), project: project!, deadline: deadline! };
  },
  /** Where a group's entries start, and just past every one of them (where the next group starts, or later). */
  groupStart: (group: string): string => join(group, ''),
  afterGroup: (group: string): string => join(group, '~'),
  /** The scope and id of a connection key (what a keys-only index entry names), or undefined for another item's. */
  connectionOf: (pk: string): { scope: Scope; id: string } | undefined => {
    const [kind, projectSlug, environmentSlug, id, ...rest] = pk.split('#');
    if (kind !== 'CONN' || !projectSlug || !environmentSlug || !id || rest.length > 0) return undefined;
    return { scope: { projectSlug, environmentSlug }, id };
  },
};
