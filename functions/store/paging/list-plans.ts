/**
 * Which index answers which list. The key does the filtering wherever it can (a filter on source,
 * target or status reads only what it returns); other filters of the same request become
 * equality filters on the stream, and cost reads. An environment-wide read is one stream per shard
 * of the environment's current count (`shardCount`, shards.ts); a resource's connections, one per
 * shard the resource has had. A token names no stream, so the plan may change between pages.
 */
import { keys, type Liveness } from '../keys.ts';
import type { ResourceRef, ResourceType, Scope } from '#model/vocabulary.ts';
import type { Filter, Stream } from './query-range.ts';
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

/**
 * A connection list: one index, every shard of it (or the shards of a resource), live and, with
 * includeDeleted, deleted partitions, merged in sort-key order by listing.ts.
 */
export function planConnectionList(scope: Scope, q: ListConnectionsQuery, shardCount: number): ListPlan {
  const filters = {
    sourceResourceType: eq('sourceResourceType', q.sourceResourceType),
    sourceResourceId: eq('sourceResourceId', q.sourceResourceId),
    targetResourceType: eq('targetResourceType', q.targetResourceType),
    targetResourceId: eq('targetResourceId', q.targetResourceId),
    status: eq('status', q.status),
  };
  const rest = (...keyed: (keyof typeof filters)[]): Filter[] =>
    Object.entries(filters).flatMap(([name, f]) => (keyed.includes(name as keyof typeof filters) ? [] : f));

  const streams = livenesses(q.includeDeleted).flatMap((liveness): Stream[] => {
    const side = (index: 'bySource' | 'byTarget', type: ResourceType, id: string | undefined, keyed: Filter[]) => {
      // One resource's connections sit in its shards; a type's are spread over all of them.
      const partitions =
        id === undefined
          ? keys.indexPartitions(index, scope, liveness, { shardCount })
          : keys.resourcePartitions(scope, liveness, { type, id }, shardCount);
      return partitions.map((partition) => ({
        index,
        partition,
        prefix: keys.resourcePrefix(type, id),
        filters: keyed,
      }));
    };
    // A resource id is the most selective filter, then status, then a resource type.
    if (q.sourceResourceType && (q.sourceResourceId || !(q.targetResourceId || q.status))) {
      return side('bySource', q.sourceResourceType, q.sourceResourceId, rest('sourceResourceType', 'sourceResourceId'));
    }
    if (q.targetResourceType && (q.targetResourceId || !q.status)) {
      return side('byTarget', q.targetResourceType, q.targetResourceId, rest('targetResourceType', 'targetResourceId'));
    }
    const index = q.status ? 'byStatus' : 'byEnvironment';
    const filtersLeft = q.status ? rest('status') : [];
    return keys
      .indexPartitions(index, scope, liveness, { status: q.status, shardCount })
      .map((partition) => ({ index, partition, prefix: '', filters: filtersLeft }));
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
export function planResourceConnections(
  scope: Scope,
  resource: ResourceRef,
  q: ResourceConnectionsQuery,
  shardCount: number,
): ListPlan {
  const prefix = keys.resourcePrefix(resource.type, resource.id);
  const filters = eq('status', q.status);
  const streams = livenesses(q.includeDeleted).flatMap((liveness): Stream[] =>
    keys.resourcePartitions(scope, liveness, resource, shardCount).flatMap((partition): Stream[] => [
      { index: 'bySource', partition, prefix, filters },
      { index: 'byTarget', partition, prefix, filters },
    ]),
  );
  return {
    streams,
    binding: bind('resource-connections', scope, {
      resource,
      status: q.status,
      includeDeleted: q.includeDeleted || undefined,
    }),
  };
}

/** A token opens only for its route, scope and filters (its position names no shard). */
export function bind(route: string, scope: Scope, filters: object): string {
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
