/**
 * Which index answers which list. The key does the filtering wherever it can (a filter on source,
 * target or status reads only what it returns); other filters of the same request become
 * equality filters on the stream, and cost reads.
 */
import { keys, type Liveness } from './keys.ts';
import type { ResourceRef, Scope } from '#model/vocabulary.ts';
import type { Filter, Stream } from './listing.ts';
import type { ListConnectionsQuery, ResourceConnectionsQuery } from '#model/inputs.ts';

export interface ListPlan {
  readonly streams: Stream[];
  /** The token is sealed to this: route, scope and every filter (limit may change between pages). */
  readonly binding: string;
}

const livenesses = (includeDeleted: boolean | undefined): Liveness[] =>
  includeDeleted ? ['LIVE', 'DELETED'] : ['LIVE'];

const eq = (attribute: string, value: string | undefined): Filter[] =>
  value === undefined ? [] : [{ attribute, value }];

export function planConnectionList(scope: Scope, q: ListConnectionsQuery): ListPlan {
  const filters = {
    sourceResourceType: eq('sourceResourceType', q.sourceResourceType),
    sourceResourceId: eq('sourceResourceId', q.sourceResourceId),
    targetResourceType: eq('targetResourceType', q.targetResourceType),
    targetResourceId: eq('targetResourceId', q.targetResourceId),
    status: eq('status', q.status),
  };
  const rest = (...keyed: (keyof typeof filters)[]): Filter[] =>
    Object.entries(filters).flatMap(([name, f]) => (keyed.includes(name as keyof typeof filters) ? [] : f));

  const streams = livenesses(q.includeDeleted).map((liveness): Stream => {
    const partition = keys.environmentPartition(scope, liveness);
    // A resource id is the most selective filter, then status, then a resource type.
    if (q.sourceResourceType && (q.sourceResourceId || !(q.targetResourceId || q.status))) {
      return {
        index: 'bySource',
        partition,
        prefix: keys.resourcePrefix(q.sourceResourceType, q.sourceResourceId),
        filters: rest('sourceResourceType', 'sourceResourceId'),
      };
    }
    if (q.targetResourceType && (q.targetResourceId || !q.status)) {
      return {
        index: 'byTarget',
        partition,
        prefix: keys.resourcePrefix(q.targetResourceType, q.targetResourceId),
        filters: rest('targetResourceType', 'targetResourceId'),
      };
    }
    if (q.status) {
      return {
        index: 'byStatus',
        partition: keys.statusPartition(scope, liveness, q.status),
        prefix: '',
        filters: rest('status'),
      };
    }
    return { index: 'byEnvironment', partition, prefix: '', filters: [] };
  });

  return {
    streams,
    binding: bind('connections', scope, {
      ...q,
      limit: undefined,
      nextToken: undefined,
      includeDeleted: q.includeDeleted || undefined,
    }),
  };
}

/** A resource's connections: where it is the source, and where it is the target, merged by id. */
export function planResourceConnections(scope: Scope, resource: ResourceRef, q: ResourceConnectionsQuery): ListPlan {
  const prefix = keys.resourcePrefix(resource.type, resource.id);
  const filters = eq('status', q.status);
  const streams = livenesses(q.includeDeleted).flatMap((liveness): Stream[] => {
    const partition = keys.environmentPartition(scope, liveness);
    return [
      { index: 'bySource', partition, prefix, filters },
      { index: 'byTarget', partition, prefix, filters },
    ];
  });
  return {
    streams,
    binding: bind('resource-connections', scope, {
      resource,
      status: q.status,
      includeDeleted: q.includeDeleted || undefined,
    }),
  };
}

function bind(route: string, scope: Scope, filters: object): string {
  const canonical = Object.entries(filters)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([route, scope.projectSlug, scope.environmentSlug, canonical]);
}

/** A connection's history: its entries on the table itself, under the connection's partition, oldest first. */
export function planHistory(scope: Scope, connectionId: string): ListPlan {
  return {
    streams: [{ partition: keys.connection(scope, connectionId).pk, prefix: keys.historyPrefix, filters: [] }],
    binding: JSON.stringify(['history', scope.projectSlug, scope.environmentSlug, connectionId]),
  };
}
