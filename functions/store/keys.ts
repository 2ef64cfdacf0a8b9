/**
 * Every storage key is built here and nowhere else. Segments are joined with `#`, which no slug,
 * resource type, resource id or connection id may contain (see model/inputs.ts), so a caller's value can
 * never reach into another key's range.
 */
import { createHash } from 'node:crypto';
import type { ResourceRef, ResourceType, Scope, Status } from '#model/vocabulary.ts';

/** Live and soft-deleted connections sit in different index partitions: deleted ones cost default lists nothing. */
export type Liveness = 'LIVE' | 'DELETED';

const join = (...segments: string[]): string => segments.join('#');

/**
 * Partitions of the deadline index: the whole table's waiting connections spread over this many.
 * Fixed: changing it re-keys every entry.
 */
export const DEADLINE_SHARDS = 16;

/** FNV-1a: small, fast and the same in every runtime, so a value's shard is stable forever. */
export function shardOf(value: string, shardCount: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % shardCount;
}

const deadlinePartition = (shard: number): string => join('DEADLINE', String(shard).padStart(2, '0'));

const environment = (scope: Scope, liveness: Liveness): string =>
  join('ENV', scope.projectSlug, scope.environmentSlug, liveness);

export const keys = {
  connection: (scope: Scope, connectionId: string) => ({
    pk: join('CONN', scope.projectSlug, scope.environmentSlug, connectionId),
    sk: 'CONNECTION',
  }),

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
  indexAttributes: (
    scope: Scope,
    liveness: Liveness,
    c: { id: string; status: Status; source: ResourceRef; target: ResourceRef },
  ) => ({
    gsi1pk: environment(scope, liveness),
    gsi1sk: join(c.source.type, c.source.id, c.id),
    gsi2pk: environment(scope, liveness),
    gsi2sk: join(c.target.type, c.target.id, c.id),
    gsi3pk: join(environment(scope, liveness), c.status),
    gsi3sk: c.id,
    gsi4pk: environment(scope, liveness),
    gsi4sk: c.id,
  }),

  /**
   * The deadline index's keys of a live connection with a deadline: its shard (by connection id),
   * then the deadline and the id, so each shard lists the waiting connections soonest deadline first.
   */
  deadlineIndex: (connectionId: string, deadline: string) => ({
    gsi5pk: deadlinePartition(shardOf(connectionId, DEADLINE_SHARDS)),
    gsi5sk: join(deadline, connectionId),
  }),

  /** Partition and sort-key prefix for the queries that list connections. */
  environmentPartition: environment,
  statusPartition: (scope: Scope, liveness: Liveness, status: Status) => join(environment(scope, liveness), status),
  resourcePrefix: (type: ResourceType, id?: string) => (id === undefined ? join(type, '') : join(type, id, '')),
};

/**
 * What only the deadline sweep reads keys with, kept out of `keys`: esbuild drops an object nobody
 * imports, never the unused members of one that is, so the functions that never sweep leave it out.
 */
export const deadlineSweepKeys = {
  /** Every partition of the deadline index. */
  partitions: (): string[] => Array.from({ length: DEADLINE_SHARDS }, (_, shard) => deadlinePartition(shard)),
  /** Sort keys below this are deadlines at or before `now` ('~' sorts after '#' and after every id character). */
  dueBefore: (now: string): string => `${now}~`,
  /** The scope and id of a connection key (what a keys-only index entry names), or undefined for another item's. */
  connectionOf: (pk: string): { scope: Scope; id: string } | undefined => {
    const [kind, projectSlug, environmentSlug, id, ...rest] = pk.split('#');
    if (kind !== 'CONN' || !projectSlug || !environmentSlug || !id || rest.length > 0) return undefined;
    return { scope: { projectSlug, environmentSlug }, id };
  },
};
