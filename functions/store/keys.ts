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

  /** Partition and sort-key prefix for the queries that list connections. */
  environmentPartition: environment,
  statusPartition: (scope: Scope, liveness: Liveness, status: Status) => join(environment(scope, liveness), status),
  resourcePrefix: (type: ResourceType, id?: string) => (id === undefined ? join(type, '') : join(type, id, '')),
};
