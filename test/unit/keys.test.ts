import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { DEADLINE_SHARDS, deadlineSweepKeys, keys, shardOf } from '#store/keys.ts';
import { type Scope, RESOURCE_TYPES, STATUSES } from '#model/vocabulary.ts';
import { ENVIRONMENT_INDEX_NAMES, KEY_ATTRIBUTES, TABLE } from '#store/table-definition.ts';

const ACME_PROD: Scope = { projectSlug: 'acme', environmentSlug: 'prod' };
const ID = '01JD3Y6Q9K6V7Z5N8M2C4B1A0E';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const APP = { type: 'application', id: 'app-42' } as const;
const SERVER = { type: 'instance', id: 'i-0abc123' } as const;

// Slugs as the contract allows them (lowercase letters, digits, inner hyphens).
const slugArbitrary = fc
  .string({ unit: fc.constantFrom(...'ab0-'), minLength: 1, maxLength: 8 })
  .filter((s) => !s.startsWith('-') && !s.endsWith('-'));
const scopeArbitrary = fc.record({ projectSlug: slugArbitrary, environmentSlug: slugArbitrary });
const resourceIdArbitrary = fc
  .string({ unit: fc.constantFrom(...'a1.-_:@'), minLength: 1, maxLength: 6 })
  .filter((s) => /^[a1]/.test(s));

const everyKey = (scope: Scope): string[] => {
  const index = keys.indexAttributes(scope, 'LIVE', { id: ID, status: 'pending', source: APP, target: SERVER });
  const deleted = keys.indexAttributes(scope, 'DELETED', { id: ID, status: 'pending', source: APP, target: SERVER });
  return [
    keys.connection(scope, ID).pk,
    keys.pairGuard(scope, APP, SERVER).pk,
    keys.history(scope, ID, 1).pk,
    ...ENVIRONMENT_INDEX_NAMES.map((name) => TABLE.indexes[name]).flatMap((i) => [
      index[i.partitionKey]!,
      deleted[i.partitionKey]!,
    ]),
    ...keys.indexPartitions('byEnvironment', scope, 'LIVE'),
    ...keys.indexPartitions('byStatus', scope, 'LIVE', { status: 'pending' }),
  ];
};

describe('key shapes', () => {
  it('puts a connection under CONN#project#environment#id', () => {
    expect(keys.connection(ACME_PROD, ID)).toEqual({ pk: `CONN#acme#prod#${ID}`, sk: 'CONNECTION' });
  });

  it('puts the pair guard under the full source and target', () => {
    expect(keys.pairGuard(ACME_PROD, APP, SERVER)).toEqual({
      pk: 'PAIR#acme#prod#application#app-42#instance#i-0abc123',
      sk: 'PAIR',
    });
  });

  it('keeps history beside its connection, with versions that sort as numbers', () => {
    const v2 = keys.history(ACME_PROD, ID, 2);
    const v10 = keys.history(ACME_PROD, ID, 10);

    expect(v2).toEqual({ pk: `CONN#acme#prod#${ID}`, sk: 'HISTORY#0000000002' });
    expect(v2.sk < v10.sk).toBe(true);
    expect(v2.sk).not.toBe(keys.connection(ACME_PROD, ID).sk);
  });

  it('builds every index attribute of a connection, each partition key ending in its shard', () => {
    const attributes = keys.indexAttributes(ACME_PROD, 'LIVE', {
      id: ID,
      status: 'connecting',
      source: APP,
      target: SERVER,
    });
    const shard = (value: string) => String(shardOf(value, TABLE.shardCount)).padStart(2, '0');

    expect(attributes).toEqual({
      gsi1pk: `ENV#acme#prod#LIVE#${shard('application#app-42')}`,
      gsi1sk: `application#app-42#${ID}`,
      gsi2pk: `ENV#acme#prod#LIVE#${shard('instance#i-0abc123')}`,
      gsi2sk: `instance#i-0abc123#${ID}`,
      gsi3pk: `ENV#acme#prod#LIVE#connecting#${shard(ID)}`,
      gsi3sk: ID,
      gsi4pk: `ENV#acme#prod#LIVE#${shard(ID)}`,
      gsi4sk: ID,
    });
  });

  it('moves a deleted connection to the DELETED partitions', () => {
    const live = keys.indexAttributes(ACME_PROD, 'LIVE', { id: ID, status: 'failed', source: APP, target: SERVER });
    const deleted = keys.indexAttributes(ACME_PROD, 'DELETED', {
      id: ID,
      status: 'failed',
      source: APP,
      target: SERVER,
    });

    for (const name of ['gsi1pk', 'gsi2pk', 'gsi3pk', 'gsi4pk'] as const) {
      expect(deleted[name]).not.toBe(live[name]);
      expect(deleted[name]).toContain('#DELETED');
    }
    expect([deleted.gsi1sk, deleted.gsi2sk, deleted.gsi3sk, deleted.gsi4sk]).toEqual([
      live.gsi1sk,
      live.gsi2sk,
      live.gsi3sk,
      live.gsi4sk,
    ]);
  });

  it('uses only the key attribute names the table defines', () => {
    const names = [
      ...Object.keys(keys.connection(ACME_PROD, ID)),
      ...Object.keys(
        keys.indexAttributes(ACME_PROD, 'LIVE', { id: ID, status: 'pending', source: APP, target: SERVER }),
      ),
      ...Object.keys(keys.deadlineIndex(ACME_PROD, ID, '2026-11-27T13:00:00.000Z')),
    ];

    expect([...names].sort()).toEqual([...KEY_ATTRIBUTES].sort());
  });

  it('puts a waiting connection in one of 128 deadline shards by its id, by minute, then project, then deadline', () => {
    const entry = keys.deadlineIndex(ACME_PROD, ID, '2026-11-27T13:00:05.000Z');

    expect(entry.gsi5sk).toBe(`2026-11-27T13:00#acme#2026-11-27T13:00:05.000Z#prod#${ID}`);
    expect(deadlineSweepKeys.partitions()).toContain(entry.gsi5pk);
    expect(deadlineSweepKeys.partitions()).toEqual(
      Array.from({ length: DEADLINE_SHARDS }, (_, i) => `DEADLINE#${String(i).padStart(3, '0')}`),
    );
    expect(DEADLINE_SHARDS).toBe(128);
    // The shard is the id's alone: a heartbeat moves the entry within its partition, never to another.
    expect(keys.deadlineIndex(ACME_PROD, ID, '2026-12-01T00:00:00.000Z').gsi5pk).toBe(entry.gsi5pk);
    expect(deadlineSweepKeys.entryOf(entry.gsi5sk!)).toEqual({
      group: '2026-11-27T13:00#acme',
      project: 'acme',
      deadline: '2026-11-27T13:00:05.000Z',
    });
  });

  it('spreads connections evenly over the deadline shards: no hot partition', () => {
    const counts = new Array<number>(DEADLINE_SHARDS).fill(0);
    // ULID-shaped ids (ulid() itself is slow at this count): one millisecond's time part, then random.
    const time = ulid().slice(0, 10);
    const random = () => Array.from({ length: 16 }, () => CROCKFORD[Math.floor(Math.random() * 32)]).join('');
    for (let i = 0; i < 128_000; i++) counts[shardOf(time + random(), DEADLINE_SHARDS)]!++;

    // 1,000 expected per shard; a fair hash stays within a few standard deviations (about 31).
    expect(Math.min(...counts)).toBeGreaterThan(850);
    expect(Math.max(...counts)).toBeLessThan(1150);
  });

  it("bounds the due range: every deadline at or before now below it, or in now's minute; none of a later minute", () => {
    const now = '2026-11-27T13:00:30.000Z';
    fc.assert(
      fc.property(fc.integer({ min: -86_400_000, max: 86_400_000 }), scopeArbitrary, (offset, scope) => {
        const deadline = new Date(Date.parse(now) + offset).toISOString();
        const sk = keys.deadlineIndex(scope, ulid(), deadline).gsi5sk!;
        if (offset <= 0) expect(sk <= deadlineSweepKeys.dueUntil(now)).toBe(true);
        if (deadline.slice(0, 16) > now.slice(0, 16)) expect(sk <= deadlineSweepKeys.dueUntil(now)).toBe(false);
        // Whole minutes before now's: all due.
        expect(sk < deadlineSweepKeys.minuteStart(now)).toBe(deadline.slice(0, 16) < now.slice(0, 16));
      }),
    );
  });

  it('keeps a group (one project, one minute) together, and steps past it to the next project only', () => {
    fc.assert(
      fc.property(scopeArbitrary, scopeArbitrary, fc.integer({ min: 0, max: 59_999 }), (a, b, ms) => {
        const deadline = new Date(Date.parse('2026-11-27T13:00:00.000Z') + ms).toISOString();
        const entry = keys.deadlineIndex(a, ulid(), deadline).gsi5sk!;
        const { group } = deadlineSweepKeys.entryOf(entry);
        expect(entry >= deadlineSweepKeys.groupStart(group) && entry < deadlineSweepKeys.afterGroup(group)).toBe(true);
        const other = keys.deadlineIndex(b, ulid(), deadline).gsi5sk!;
        const inGroup = other >= deadlineSweepKeys.groupStart(group) && other < deadlineSweepKeys.afterGroup(group);
        expect(inGroup).toBe(a.projectSlug === b.projectSlug);
      }),
    );
  });

  it('reads the scope and id back from a connection key, and nothing from another item’s', () => {
    expect(deadlineSweepKeys.connectionOf(keys.connection(ACME_PROD, ID).pk)).toEqual({ scope: ACME_PROD, id: ID });
    expect(deadlineSweepKeys.connectionOf(keys.pairGuard(ACME_PROD, APP, SERVER).pk)).toBeUndefined();
    expect(deadlineSweepKeys.connectionOf('CONN#acme#prod')).toBeUndefined();
  });

  it('builds one partition per shard for environment-wide reads', () => {
    expect(keys.indexPartitions('byEnvironment', ACME_PROD, 'LIVE', { shardCount: 3 })).toEqual([
      'ENV#acme#prod#LIVE#00',
      'ENV#acme#prod#LIVE#01',
      'ENV#acme#prod#LIVE#02',
    ]);
    expect(keys.indexPartitions('byStatus', ACME_PROD, 'DELETED', { status: 'connected', shardCount: 2 })).toEqual([
      'ENV#acme#prod#DELETED#connected#00',
      'ENV#acme#prod#DELETED#connected#01',
    ]);
    expect(keys.indexPartitions('bySource', ACME_PROD, 'LIVE')).toHaveLength(TABLE.shardCount);
  });

  it('gives every status its own partitions', () => {
    const partitions = STATUSES.flatMap((status) => keys.indexPartitions('byStatus', ACME_PROD, 'LIVE', { status }));

    expect(new Set(partitions).size).toBe(STATUSES.length * TABLE.shardCount);
  });
});

describe('shard routing', () => {
  const connectionArbitrary = fc.record({
    id: fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
    status: fc.constantFrom(...STATUSES),
    source: fc.record({ type: fc.constantFrom(...RESOURCE_TYPES), id: resourceIdArbitrary }),
    target: fc.record({ type: fc.constantFrom(...RESOURCE_TYPES), id: resourceIdArbitrary }),
  });

  it.each([1, 2, 8, 16])('puts every entry in a partition its reads query (%i shards)', (shardCount) => {
    fc.assert(
      fc.property(connectionArbitrary, fc.constantFrom('LIVE', 'DELETED' as const), (c, liveness) => {
        const attributes = keys.indexAttributes(ACME_PROD, liveness, c, shardCount);

        expect(keys.indexPartitions('byEnvironment', ACME_PROD, liveness, { shardCount })).toContain(attributes.gsi4pk);
        expect(keys.indexPartitions('byStatus', ACME_PROD, liveness, { status: c.status, shardCount })).toContain(
          attributes.gsi3pk,
        );
        for (const index of ['bySource', 'byTarget'] as const) {
          expect(keys.indexPartitions(index, ACME_PROD, liveness, { shardCount })).toContain(
            attributes[TABLE.indexes[index].partitionKey],
          );
        }
        // One Query reads every connection of a resource on each side.
        expect(attributes.gsi1pk).toBe(keys.resourcePartition(ACME_PROD, liveness, c.source, shardCount));
        expect(attributes.gsi2pk).toBe(keys.resourcePartition(ACME_PROD, liveness, c.target, shardCount));
      }),
      { numRuns: 300 },
    );
  });

  it('picks the shard of an environment-wide entry from the connection alone', () => {
    fc.assert(
      fc.property(connectionArbitrary, connectionArbitrary, (a, b) => {
        const x = keys.indexAttributes(ACME_PROD, 'LIVE', a);
        const y = keys.indexAttributes(ACME_PROD, 'LIVE', { ...b, id: a.id, status: a.status });

        expect(y.gsi4pk).toBe(x.gsi4pk);
        expect(y.gsi3pk).toBe(x.gsi3pk);
      }),
    );
  });

  it('spreads connections evenly over the shards', () => {
    const counts = new Array<number>(TABLE.shardCount).fill(0);
    const ids = fc.sample(fc.stringMatching(/^01J[0-9A-HJKMNP-TV-Z]{23}$/), { numRuns: 16_000, seed: 7 });
    for (const id of ids) counts[shardOf(id, TABLE.shardCount)]!++;

    for (const count of counts) expect(Math.abs(count / ids.length - 1 / TABLE.shardCount)).toBeLessThan(0.01);
  });

  it('is the same value every time, in every runtime (FNV-1a)', () => {
    // The published FNV-1a 32-bit values of '', 'a' and 'foobar'.
    expect([shardOf('', 1000), shardOf('a', 1000), shardOf('foobar', 1000)]).toEqual([
      0x811c9dc5 % 1000,
      0xe40c292c % 1000,
      0xbf9cf968 % 1000,
    ]);
  });

  it("keeps every key character strictly between '!' and '~', which the Query builder's ranges rely on", () => {
    fc.assert(
      fc.property(scopeArbitrary, connectionArbitrary, (scope, c) => {
        const attributes = keys.indexAttributes(scope, 'LIVE', c);
        for (const index of ENVIRONMENT_INDEX_NAMES) {
          for (const value of [
            attributes[TABLE.indexes[index].partitionKey]!,
            attributes[TABLE.indexes[index].sortKey]!,
          ]) {
            for (const ch of value) expect(ch > '!' && ch < '~').toBe(true);
          }
        }
      }),
    );
  });
});

describe('resource prefixes', () => {
  it('end with # for a type, and for a type and id', () => {
    expect(keys.resourcePrefix('application')).toBe('application#');
    expect(keys.resourcePrefix('application', 'app-1')).toBe('application#app-1#');
  });

  it('do not let app-1 match app-10', () => {
    const prefix = keys.resourcePrefix('application', 'app-1');
    const app10 = keys.indexAttributes(ACME_PROD, 'LIVE', {
      id: ID,
      status: 'pending',
      source: { type: 'application', id: 'app-10' },
      target: SERVER,
    });
    const app1 = keys.indexAttributes(ACME_PROD, 'LIVE', {
      id: ID,
      status: 'pending',
      source: { type: 'application', id: 'app-1' },
      target: SERVER,
    });

    expect(app10.gsi1sk!.startsWith(prefix)).toBe(false);
    expect(app1.gsi1sk!.startsWith(prefix)).toBe(true);
  });

  it('match a sort key exactly when the resource is the same', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RESOURCE_TYPES),
        resourceIdArbitrary,
        fc.constantFrom(...RESOURCE_TYPES),
        resourceIdArbitrary,
        (t1, id1, t2, id2) => {
          const sortKey = keys.indexAttributes(ACME_PROD, 'LIVE', {
            id: ID,
            status: 'pending',
            source: { type: t2, id: id2 },
            target: SERVER,
          }).gsi1sk;

          expect(sortKey!.startsWith(keys.resourcePrefix(t1, id1))).toBe(t1 === t2 && id1 === id2);
          expect(sortKey!.startsWith(keys.resourcePrefix(t1))).toBe(t1 === t2);
        },
      ),
    );
  });

  it('do not let one type be a prefix match of another', () => {
    for (const a of RESOURCE_TYPES) {
      for (const b of RESOURCE_TYPES) {
        expect(keys.resourcePrefix(b, 'x').startsWith(keys.resourcePrefix(a))).toBe(a === b);
      }
    }
  });
});

describe('scopes never share keys', () => {
  it('different project/environment pairs produce no equal key and no key inside the other partition', () => {
    fc.assert(
      fc.property(scopeArbitrary, scopeArbitrary, (a, b) => {
        fc.pre(a.projectSlug !== b.projectSlug || a.environmentSlug !== b.environmentSlug);
        const keysOfB = new Set(everyKey(b));

        for (const key of everyKey(a)) expect(keysOfB.has(key)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a-b/c apart from a/b-c', () => {
    const one = everyKey({ projectSlug: 'a-b', environmentSlug: 'c' });
    const other = new Set(everyKey({ projectSlug: 'a', environmentSlug: 'b-c' }));

    for (const key of one) expect(other.has(key)).toBe(false);
  });

  it('gives different pairs different guards', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RESOURCE_TYPES),
        resourceIdArbitrary,
        fc.constantFrom(...RESOURCE_TYPES),
        resourceIdArbitrary,
        fc.constantFrom(...RESOURCE_TYPES),
        resourceIdArbitrary,
        (st, si, tt, ti, ot, oi) => {
          fc.pre(tt !== ot || ti !== oi);
          const guard = keys.pairGuard(ACME_PROD, { type: st, id: si }, { type: tt, id: ti }).pk;

          expect(keys.pairGuard(ACME_PROD, { type: st, id: si }, { type: ot, id: oi }).pk).not.toBe(guard);
          expect(keys.pairGuard(ACME_PROD, { type: tt, id: ti }, { type: st, id: si }).pk === guard).toBe(
            st === tt && si === ti,
          );
        },
      ),
    );
  });
});
