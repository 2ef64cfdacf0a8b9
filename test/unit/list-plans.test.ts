import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Scope, RESOURCE_TYPES, STATUSES } from '#model/vocabulary.ts';
import { keys } from '#store/keys.ts';
import { planConnectionList, planResourceConnections } from '#store/paging/list-plans.ts';
import type { Stream } from '#store/paging/query-range.ts';
import type { ListConnectionsQuery, ResourceConnectionsQuery } from '#model/inputs.ts';

const ACME_PROD: Scope = { projectSlug: 'acme', environmentSlug: 'prod' };
const LIVE = 'ENV#acme#prod#LIVE';
const DELETED = 'ENV#acme#prod#DELETED';

type FilterName = 'sourceResourceType' | 'sourceResourceId' | 'targetResourceType' | 'targetResourceId' | 'status';
const FILTER_NAMES: FilterName[] = [
  'sourceResourceType',
  'sourceResourceId',
  'targetResourceType',
  'targetResourceId',
  'status',
];

/** The environment's shard count in these plans (a grown one; a new environment has one). */
const COUNT = 8;
const SHARDS = Array.from({ length: COUNT }, (_, i) => String(i).padStart(2, '0'));
const shardsOf = (base: string) => SHARDS.map((shard) => `${base}#${shard}`);

/** The streams of a plan, which differ only in their partition: the one stream's shape, and the partitions. */
const only = (streams: Stream[]): Stream & { partitions: string[] } => {
  const [first] = streams;
  for (const stream of streams) expect({ ...stream, partition: '' }).toEqual({ ...first, partition: '' });
  return { ...first!, partition: first!.partition, partitions: streams.map((s) => s.partition) };
};
const shape = ({ partitions, ...stream }: Stream & { partitions: string[] }) => ({
  ...stream,
  partitions,
  partition: undefined,
});
const filterNames = (stream: Stream) => stream.filters.map((f) => f.attribute).sort();

/** Which of the query's filters a stream's partition and sort-key prefix already enforce. */
function keyCovered(stream: Stream, q: ListConnectionsQuery): FilterName[] {
  const [type, id] = stream.prefix.split('#');
  switch (stream.index) {
    case 'bySource':
      expect(type).toBe(q.sourceResourceType);
      expect(id || undefined).toBe(q.sourceResourceId);
      return id ? ['sourceResourceType', 'sourceResourceId'] : ['sourceResourceType'];
    case 'byTarget':
      expect(type).toBe(q.targetResourceType);
      expect(id || undefined).toBe(q.targetResourceId);
      return id ? ['targetResourceType', 'targetResourceId'] : ['targetResourceType'];
    case 'byStatus':
      expect(stream.partition).toMatch(new RegExp(`#${q.status}#\\d{2}$`));
      return ['status'];
    case 'byEnvironment':
      return [];
    default:
      return expect.fail(`a connection list must read an index, not ${String(stream.index)}`);
  }
}

const listQuery: fc.Arbitrary<ListConnectionsQuery> = fc
  .record(
    {
      sourceResourceType: fc.constantFrom(...RESOURCE_TYPES),
      sourceResourceId: fc.constantFrom('app-1', 'app-10', 'i-0abc'),
      targetResourceType: fc.constantFrom(...RESOURCE_TYPES),
      targetResourceId: fc.constantFrom('i-1', 'i-10', 'db.main'),
      status: fc.constantFrom(...STATUSES),
      limit: fc.integer({ min: 1, max: 100 }),
      nextToken: fc.constantFrom('tokenA', 'tokenB'),
      includeDeleted: fc.boolean(),
    },
    { requiredKeys: [] },
  )
  // As the schema has it: a resource id only with its type.
  .map((q) => ({
    ...q,
    sourceResourceId: q.sourceResourceType ? q.sourceResourceId : undefined,
    targetResourceId: q.targetResourceType ? q.targetResourceId : undefined,
  }));

describe('planConnectionList: which index answers', () => {
  it('lists the whole environment from every shard of byEnvironment when there is no filter', () => {
    const stream = only(planConnectionList(ACME_PROD, {}, COUNT).streams);

    expect(shape(stream)).toEqual({ index: 'byEnvironment', partitions: shardsOf(LIVE), prefix: '', filters: [] });
  });

  it('uses every shard of bySource with the type prefix for a source type', () => {
    const stream = only(planConnectionList(ACME_PROD, { sourceResourceType: 'application' }, COUNT).streams);

    expect(shape(stream)).toEqual({
      index: 'bySource',
      partitions: shardsOf(LIVE),
      prefix: 'application#',
      filters: [],
    });
  });

  it('uses the shards the source resource has had in bySource with the type and id prefix for a source resource', () => {
    const stream = only(
      planConnectionList(ACME_PROD, { sourceResourceType: 'application', sourceResourceId: 'app-1' }, COUNT).streams,
    );

    expect(shape(stream)).toEqual({
      index: 'bySource',
      partitions: keys.resourcePartitions(ACME_PROD, 'LIVE', { type: 'application', id: 'app-1' }, COUNT),
      prefix: 'application#app-1#',
      filters: [],
    });
  });

  it('uses every shard of byTarget with the type prefix for a target type', () => {
    const stream = only(planConnectionList(ACME_PROD, { targetResourceType: 'instance' }, COUNT).streams);

    expect(shape(stream)).toEqual({ index: 'byTarget', partitions: shardsOf(LIVE), prefix: 'instance#', filters: [] });
  });

  it('uses the shards the target resource has had in byTarget with the type and id prefix for a target resource', () => {
    const stream = only(
      planConnectionList(ACME_PROD, { targetResourceType: 'instance', targetResourceId: 'i-1' }, COUNT).streams,
    );

    expect(shape(stream)).toEqual({
      index: 'byTarget',
      partitions: keys.resourcePartitions(ACME_PROD, 'LIVE', { type: 'instance', id: 'i-1' }, COUNT),
      prefix: 'instance#i-1#',
      filters: [],
    });
  });

  it('uses every shard of the byStatus partitions of that status for a status', () => {
    const stream = only(planConnectionList(ACME_PROD, { status: 'pending' }, COUNT).streams);

    expect(shape(stream)).toEqual({
      index: 'byStatus',
      partitions: shardsOf(`${LIVE}#pending`),
      prefix: '',
      filters: [],
    });
  });

  it.each<[string, ListConnectionsQuery, Stream['index'], string, FilterName[]]>([
    [
      'source type + target type',
      { sourceResourceType: 'instance', targetResourceType: 'database' },
      'bySource',
      'instance#',
      ['targetResourceType'],
    ],
    [
      'source type + target resource',
      { sourceResourceType: 'application', targetResourceType: 'instance', targetResourceId: 'i-1' },
      'byTarget',
      'instance#i-1#',
      ['sourceResourceType'],
    ],
    [
      'source resource + target resource',
      {
        sourceResourceType: 'application',
        sourceResourceId: 'app-1',
        targetResourceType: 'instance',
        targetResourceId: 'i-1',
      },
      'bySource',
      'application#app-1#',
      ['targetResourceId', 'targetResourceType'],
    ],
    [
      'source type + status',
      { sourceResourceType: 'terminal', status: 'connected' },
      'byStatus',
      '',
      ['sourceResourceType'],
    ],
    [
      'source resource + status',
      { sourceResourceType: 'terminal', sourceResourceId: 't-1', status: 'connected' },
      'bySource',
      'terminal#t-1#',
      ['status'],
    ],
    [
      'target type + status',
      { targetResourceType: 'instance', status: 'failed' },
      'byStatus',
      '',
      ['targetResourceType'],
    ],
    [
      'target resource + status',
      { targetResourceType: 'instance', targetResourceId: 'i-1', status: 'failed' },
      'byTarget',
      'instance#i-1#',
      ['status'],
    ],
    [
      'every filter',
      {
        sourceResourceType: 'application',
        sourceResourceId: 'app-1',
        targetResourceType: 'instance',
        targetResourceId: 'i-1',
        status: 'pending',
      },
      'bySource',
      'application#app-1#',
      ['status', 'targetResourceId', 'targetResourceType'],
    ],
  ])('%s: reads %s and filters the rest', (_, query, index, prefix, filters) => {
    const stream = only(planConnectionList(ACME_PROD, query, COUNT).streams);

    expect(stream.index).toBe(index);
    expect(stream.prefix).toBe(prefix);
    expect(filterNames(stream)).toEqual(filters);
  });

  it('turns each remaining filter into an equality on the value asked for', () => {
    const stream = only(
      planConnectionList(
        ACME_PROD,
        {
          sourceResourceType: 'application',
          sourceResourceId: 'app-1',
          targetResourceType: 'instance',
          status: 'failed',
        },
        COUNT,
      ).streams,
    );

    expect([...stream.filters].sort((a, b) => a.attribute.localeCompare(b.attribute))).toEqual([
      { attribute: 'status', value: 'failed' },
      { attribute: 'targetResourceType', value: 'instance' },
    ]);
  });

  it('enforces every filter exactly once: by the key or by a filter expression, never both, never neither', () => {
    fc.assert(
      fc.property(listQuery, (q) => {
        const asked = FILTER_NAMES.filter((name) => q[name] !== undefined).sort();

        for (const stream of planConnectionList(ACME_PROD, q, COUNT).streams) {
          const covered = keyCovered(stream, q);
          const filtered = filterNames(stream);

          expect(covered.filter((name) => filtered.includes(name as never))).toEqual([]);
          expect([...covered, ...filtered].sort()).toEqual(asked);
          for (const filter of stream.filters) expect(filter.value).toBe(q[filter.attribute as FilterName]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reads only partitions of its own project and environment', () => {
    fc.assert(
      fc.property(listQuery, (q) => {
        for (const stream of planConnectionList({ projectSlug: 'acme', environmentSlug: 'dev' }, q, COUNT).streams) {
          expect(stream.partition.startsWith('ENV#acme#dev#')).toBe(true);
        }
      }),
    );
  });
});

describe('planConnectionList: deleted connections', () => {
  it('reads the LIVE and the DELETED partitions when includeDeleted is true, with the same plan in each', () => {
    fc.assert(
      fc.property(listQuery, (q) => {
        const streams = planConnectionList(ACME_PROD, { ...q, includeDeleted: true }, COUNT).streams;
        const live = streams.slice(0, streams.length / 2);
        const deleted = streams.slice(streams.length / 2);

        const withoutDeleted = { ...q, includeDeleted: false };
        expect(live.map((s) => s.partition)).toEqual(
          planConnectionList(ACME_PROD, withoutDeleted, COUNT).streams.map((s) => s.partition),
        );
        for (const [i, stream] of live.entries()) {
          expect(stream.partition.startsWith(LIVE)).toBe(true);
          expect(deleted[i]!.partition).toBe(stream.partition.replace(LIVE, DELETED));
          expect({ ...deleted[i], partition: undefined }).toEqual({ ...stream, partition: undefined });
        }
      }),
    );
  });

  it('reads only the LIVE partition when includeDeleted is false or absent', () => {
    for (const includeDeleted of [false, undefined]) {
      const stream = only(planConnectionList(ACME_PROD, { status: 'pending', includeDeleted }, COUNT).streams);

      expect(stream.partitions).toEqual(shardsOf(`${LIVE}#pending`));
    }
  });
});

describe('planConnectionList: token binding', () => {
  const filtersOf = (q: ListConnectionsQuery) => ({
    sourceResourceType: q.sourceResourceType,
    sourceResourceId: q.sourceResourceId,
    targetResourceType: q.targetResourceType,
    targetResourceId: q.targetResourceId,
    status: q.status,
    includeDeleted: q.includeDeleted === true,
  });

  it('differs exactly when a filter differs, and ignores limit and nextToken', () => {
    fc.assert(
      fc.property(listQuery, listQuery, (a, b) => {
        const sameFilters = JSON.stringify(filtersOf(a)) === JSON.stringify(filtersOf(b));

        expect(
          planConnectionList(ACME_PROD, a, COUNT).binding === planConnectionList(ACME_PROD, b, COUNT).binding,
        ).toBe(sameFilters);
      }),
      { numRuns: 1000 },
    );
  });

  it.each(FILTER_NAMES)('changes when only %s changes', (name) => {
    const base: ListConnectionsQuery = {
      sourceResourceType: 'application',
      sourceResourceId: 'app-1',
      targetResourceType: 'instance',
      targetResourceId: 'i-1',
      status: 'pending',
    };
    const other: ListConnectionsQuery = {
      sourceResourceType: 'terminal',
      sourceResourceId: 'app-10',
      targetResourceType: 'database',
      targetResourceId: 'i-10',
      status: 'failed',
    };

    expect(planConnectionList(ACME_PROD, { ...base, [name]: other[name] }, COUNT).binding).not.toBe(
      planConnectionList(ACME_PROD, base, COUNT).binding,
    );
  });

  it('stays the same when only limit or nextToken change', () => {
    const q: ListConnectionsQuery = { status: 'pending', targetResourceType: 'instance' };

    const bindings = new Set([
      planConnectionList(ACME_PROD, q, COUNT).binding,
      planConnectionList(ACME_PROD, { ...q, limit: 5 }, COUNT).binding,
      planConnectionList(ACME_PROD, { ...q, limit: 100, nextToken: 'abc' }, COUNT).binding,
    ]);

    expect(bindings.size).toBe(1);
  });

  it('binds includeDeleted=false like an absent includeDeleted, and unlike true', () => {
    const absent = planConnectionList(ACME_PROD, { status: 'pending' }, COUNT).binding;

    expect(planConnectionList(ACME_PROD, { status: 'pending', includeDeleted: false }, COUNT).binding).toBe(absent);
    expect(planConnectionList(ACME_PROD, { status: 'pending', includeDeleted: true }, COUNT).binding).not.toBe(absent);
  });

  it('differs for another project or environment', () => {
    const q: ListConnectionsQuery = { status: 'pending' };
    const bindings = new Set(
      [
        ACME_PROD,
        { projectSlug: 'acme', environmentSlug: 'dev' },
        { projectSlug: 'acme2', environmentSlug: 'prod' },
        { projectSlug: 'acme-prod', environmentSlug: 'x' },
      ].map((scope) => planConnectionList(scope, q, COUNT).binding),
    );

    expect(bindings.size).toBe(4);
  });
});

describe('planResourceConnections', () => {
  const resource = { type: 'instance', id: 'i-1' } as const;

  it('reads the resource as source and as target, in the shards it has had, with its type and id as prefix', () => {
    const { streams } = planResourceConnections(ACME_PROD, resource, {}, COUNT);
    const partitions = keys.resourcePartitions(ACME_PROD, 'LIVE', resource, COUNT);

    expect(streams).toEqual(
      partitions.flatMap((partition) => [
        { index: 'bySource', partition, prefix: 'instance#i-1#', filters: [] },
        { index: 'byTarget', partition, prefix: 'instance#i-1#', filters: [] },
      ]),
    );
    // A new environment: one partition, two streams, as before sharding.
    expect(planResourceConnections(ACME_PROD, resource, {}, 1).streams).toHaveLength(2);
  });

  it('filters both streams on status', () => {
    const { streams } = planResourceConnections(ACME_PROD, resource, { status: 'connected' }, COUNT);

    for (const stream of streams) expect(stream.filters).toEqual([{ attribute: 'status', value: 'connected' }]);
  });

  it('adds the DELETED partition for both sides when includeDeleted is true', () => {
    const { streams } = planResourceConnections(ACME_PROD, resource, { includeDeleted: true }, COUNT);

    const sides = (liveness: 'LIVE' | 'DELETED') =>
      keys.resourcePartitions(ACME_PROD, liveness, resource, COUNT).flatMap((partition) => [
        ['bySource', partition],
        ['byTarget', partition],
      ]);
    expect(streams.map((s) => [s.index, s.partition])).toEqual([...sides('LIVE'), ...sides('DELETED')]);
  });

  it('does not let app-1 match the connections of app-10', () => {
    const { streams } = planResourceConnections(ACME_PROD, { type: 'application', id: 'app-1' }, {}, COUNT);

    for (const stream of streams)
      expect('application#app-10#01JD3Y6Q9K6V7Z5N8M2C4B1A0E'.startsWith(stream.prefix)).toBe(false);
  });

  it('binds to the resource, status and includeDeleted, not to limit or nextToken', () => {
    const bind = (
      r: { type: 'instance' | 'database'; id: string },
      q: ResourceConnectionsQuery,
      scope: Scope = ACME_PROD,
    ) => planResourceConnections(scope, r, q, COUNT).binding;
    const base = bind(resource, { status: 'pending' });

    expect(bind(resource, { status: 'pending', limit: 3, nextToken: 'x' })).toBe(base);
    expect(bind(resource, { status: 'pending', includeDeleted: false })).toBe(base);
    for (const other of [
      bind({ type: 'instance', id: 'i-10' }, { status: 'pending' }),
      bind({ type: 'database', id: 'i-1' }, { status: 'pending' }),
      bind(resource, { status: 'failed' }),
      bind(resource, {}),
      bind(resource, { status: 'pending', includeDeleted: true }),
      bind(resource, { status: 'pending' }, { projectSlug: 'acme', environmentSlug: 'dev' }),
    ]) {
      expect(other).not.toBe(base);
    }
  });

  it('binds differently from the connection list, so a token cannot move between the two routes', () => {
    expect(planResourceConnections(ACME_PROD, resource, {}, COUNT).binding).not.toBe(
      planConnectionList(ACME_PROD, {}, COUNT).binding,
    );
    expect(planResourceConnections(ACME_PROD, resource, { status: 'pending' }, COUNT).binding).not.toBe(
      planConnectionList(ACME_PROD, { status: 'pending' }, COUNT).binding,
    );
  });
});
