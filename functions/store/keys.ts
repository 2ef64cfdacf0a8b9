/**
 * Every storage key is built here and nowhere else. Segments are joined with `#`, which no slug,
 * resource type, resource id or connection id may contain (see model/inputs.ts), so a caller's value can
 * never reach into another key's range.
 *
 * The alphabet of sort keys (KEY_ALPHABET, held by test/unit/keys.test.ts against model/inputs.ts):
 * every character lies strictly between '!' and '~'. Paging relies on it: `key + '!'` is the
 * smallest key after `key`, and `prefix + '~'` lies after every key that starts with `prefix`
 * (paging/key-space.ts). Every sort key of lists and the graph ends in a connection id, a ULID in
 * ESTIMATE_ALPHABET (held by the same test): paging reads keys as numbers in it to guess where a
 * page ends, a guess that only ever costs reads.
 */
import { createHash } from 'node:crypto';
import type { ResourceRef, ResourceType, Scope, Status } from '#model/vocabulary.ts';
import { TABLE, type EnvironmentIndexName } from './table-definition.ts';

/** No key character is at or below `below`, nor at or above `above`. */
export const KEY_ALPHABET = { below: '!', above: '~' } as const;

/** The characters of a connection id (Crockford's base 32, model/inputs.ts CONNECTION_ID_PATTERN), in order. */
export const ESTIMATE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

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

/** Every shard count an environment has passed through to reach `count`: 1, 2, 4, … `count`. */
export function shardCounts(count: number): number[] {
  const counts = [1];
  while (counts.at(-1)! < count) counts.push(counts.at(-1)! * 2);
  return counts;
}

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

  /** Where an environment's shard count is kept (shards.ts). */
  shards: (scope: Scope) => ({ pk: join('SHARDS', scope.projectSlug, scope.environmentSlug), sk: 'SHARDS' }),

  /**
   * The index attributes of a connection, written under `shardCount` shards (the writers' count);
   * they move between partitions when it is deleted or restored, and to their shard under a larger
   * count at its next write.
   */
  indexAttributes: (scope: Scope, liveness: Liveness, c: Indexed, shardCount: number) => {
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

  /**
   * Every shard's partition of an index: what an environment-wide read (a whole index, a status)
   * queries. With a power-of-two count and `shard = hash mod count`, an entry written under any
   * smaller count the environment had lies in one of these too.
   */
  indexPartitions: (
    index: EnvironmentIndexName,
    scope: Scope,
    liveness: Liveness,
    { status, shardCount }: { status?: Status | undefined; shardCount: number },
  ): string[] => {
    const env = environment(scope, liveness);
    const base = index === 'byStatus' ? join(env, status!) : env;
    return Array.from({ length: shardCount }, (_, shard) => join(base, shardLabel(shard)));
  },

  /**
   * The partitions of bySource (or byTarget) that hold the connections of a resource as source
   * (target): its shard under each count the environment has had, since an entry stays where it
   * was written until its next write. One partition while the environment has one shard.
   */
  resourcePartitions: (scope: Scope, liveness: Liveness, resource: ResourceRef, shardCount: number): string[] => {
    const labels = new Set(shardCounts(shardCount).map((count) => shardOf(resourceOf(resource), count)));
    return [...labels].map((shard) => join(environment(scope, liveness), shardLabel(shard)));
  },

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
