import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import {
  DEADLINE_SHARDS,
  deadlineSweepKeys,
  ESTIMATE_ALPHABET,
  KEY_ALPHABET,
  keys,
  shardCounts,
  shardOf,
} from '#store/keys.ts';
import { CONNECTION_ID_PATTERN, RESOURCE_ID_PATTERN, SLUG_PATTERN } from '#model/inputs.ts';
import { type Scope, RESOURCE_TYPES, STATUSES } from '#model/vocabulary.ts';
import { ENVIRONMENT_INDEX_NAMES, KEY_ATTRIBUTES, TABLE } from '#store/table-definition.ts';

/** The shard counts the unit tests route over: a new environment's, and grown ones. */
const SHARDS = 8;

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
  const index = keys.indexAttributes(scope, 'LIVE', { id: ID, status: 'pending', source: APP, target: SERVER }, SHARDS);
  const deleted = keys.indexAttributes(
    scope,
    'DELETED',
    { id: ID, status: 'pending', source: APP, target: SERVER },
    SHARDS,
  );
  return [
    keys.connection(scope, ID).pk,
    keys.pairGuard(scope, APP, SERVER).pk,
    keys.history(scope, ID, 1).pk,
    ...ENVIRONMENT_INDEX_NAMES.map((name) => TABLE.indexes[name]).flatMap((i) => [
      index[i.partitionKey]!,
      deleted[i.partitionKey]!,
    ]),
    ...keys.indexPartitions('byEnvironment', scope, 'LIVE', { shardCount: SHARDS }),
    ...keys.indexPartitions('byStatus', scope, 'LIVE', { status: 'pending', shardCount: SHARDS }),
    keys.shards(scope).pk,
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
    const attributes = keys.indexAttributes(
      ACME_PROD,
      'LIVE',
      { id: ID, status: 'connecting', source: APP, target: SERVER },
      SHARDS,
    );
    const shard = (value: string) => String(shardOf(value, SHARDS)).padStart(2, '0');

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
    const live = keys.indexAttributes(ACME_PROD, 'LIVE', { id: ID, status: 'failed', source: APP, target: SERVER }, 1);
    const deleted = keys.indexAttributes(
      ACME_PROD,
      'DELETED',
      { id: ID, status: 'failed', source: APP, target: SERVER },
      1,
    );

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
        keys.indexAttributes(ACME_PROD, 'LIVE', { id: ID, status: 'pending', source: APP, target: SERVER }, 1),
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
    // A new environment's one shard: one partition, what the design before sharding read.
    expect(keys.indexPartitions('bySource', ACME_PROD, 'LIVE', { shardCount: 1 })).toEqual(['ENV#acme#prod#LIVE#00']);
  });

  it('gives every status its own partitions', () => {
    const partitions = STATUSES.flatMap((status) =>
      keys.indexPartitions('byStatus', ACME_PROD, 'LIVE', { status, shardCount: SHARDS }),
    );

    expect(new Set(partitions).size).toBe(STATUSES.length * SHARDS);
  });

  it("keeps an environment's shard count in an item of its own", () => {
    expect(keys.shards(ACME_PROD)).toEqual({ pk: 'SHARDS#acme#prod', sk: 'SHARDS' });
  });
});

describe('shard routing', () => {
  const connectionArbitrary = fc.record({
    id: fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
    status: fc.constantFrom(...STATUSES),
    source: fc.record({ type: fc.constantFrom(...RESOURCE_TYPES), id: resourceIdArbitrary }),
    target: fc.record({ type: fc.constantFrom(...RESOURCE_TYPES), id: resourceIdArbitrary }),
  });

  it.each([1, 2, 8, 32])('puts every entry in a partition its reads query (%i shards)', (shardCount) => {
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
        // A resource's reads find its connections on each side.
        expect(keys.resourcePartitions(ACME_PROD, liveness, c.source, shardCount)).toContain(attributes.gsi1pk);
        expect(keys.resourcePartitions(ACME_PROD, liveness, c.target, shardCount)).toContain(attributes.gsi2pk);
      }),
      { numRuns: 300 },
    );
  });

  it('picks the shard of an environment-wide entry from the connection alone', () => {
    fc.assert(
      fc.property(connectionArbitrary, connectionArbitrary, (a, b) => {
        const x = keys.indexAttributes(ACME_PROD, 'LIVE', a, SHARDS);
        const y = keys.indexAttributes(ACME_PROD, 'LIVE', { ...b, id: a.id, status: a.status }, SHARDS);

        expect(y.gsi4pk).toBe(x.gsi4pk);
        expect(y.gsi3pk).toBe(x.gsi3pk);
      }),
    );
  });

  it('spreads connections evenly over the shards', () => {
    const counts = new Array<number>(SHARDS).fill(0);
    const ids = fc.sample(fc.stringMatching(/^01J[0-9A-HJKMNP-TV-Z]{23}$/), { numRuns: 16_000, seed: 7 });
    for (const id of ids) counts[shardOf(id, SHARDS)]!++;

    for (const count of counts) expect(Math.abs(count / ids.length - 1 / SHARDS)).toBeLessThan(0.01);
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
        const attributes = keys.indexAttributes(scope, 'LIVE', c, SHARDS);
        for (const index of ENVIRONMENT_INDEX_NAMES) {
          for (const value of [
            attributes[TABLE.indexes[index].partitionKey]!,
            attributes[TABLE.indexes[index].sortKey]!,
          ]) {
            for (const ch of value) expect(ch > KEY_ALPHABET.below && ch < KEY_ALPHABET.above).toBe(true);
          }
        }
      }),
    );
  });

  it('holds the key alphabet against what the inputs allow: slugs, resource ids, connection ids', () => {
    // Every printable ASCII character an input pattern accepts lies strictly inside the alphabet.
    const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
    for (const pattern of [SLUG_PATTERN, RESOURCE_ID_PATTERN]) {
      for (const ch of printable.filter((c) => pattern.test(`a${c}a`) || pattern.test(c))) {
        expect(ch > KEY_ALPHABET.below && ch < KEY_ALPHABET.above).toBe(true);
      }
    }
    for (const type of RESOURCE_TYPES) for (const ch of type) expect(ch > KEY_ALPHABET.below).toBe(true);
    // The estimate alphabet is exactly a connection id's, in order.
    expect([...ESTIMATE_ALPHABET].sort().join('')).toBe(ESTIMATE_ALPHABET);
    expect(printable.filter((c) => CONNECTION_ID_PATTERN.test(c.repeat(26))).join('')).toBe(ESTIMATE_ALPHABET);
  });
});

describe('shard routing across growth', () => {
  const connectionArbitrary = fc.record({
    id: fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
    status: fc.constantFrom(...STATUSES),
    source: fc.record({ type: fc.constantFrom(...RESOURCE_TYPES), id: resourceIdArbitrary }),
    target: fc.record({ type: fc.constantFrom(...RESOURCE_TYPES), id: resourceIdArbitrary }),
  });
  const counts = fc.constantFrom(1, 2, 4, 8, 16, 32);

  it('passes through every power of two to a count', () => {
    expect(shardCounts(1)).toEqual([1]);
    expect(shardCounts(8)).toEqual([1, 2, 4, 8]);
    expect(shardCounts(32)).toEqual([1, 2, 4, 8, 16, 32]);
  });

  it('finds an entry written under any earlier count among the partitions a reader of a later count queries', () => {
    fc.assert(
      fc.property(connectionArbitrary, counts, counts, (c, written, read) => {
        fc.pre(written <= read);
        const attributes = keys.indexAttributes(ACME_PROD, 'LIVE', c, written);

        expect(keys.indexPartitions('byEnvironment', ACME_PROD, 'LIVE', { shardCount: read })).toContain(
          attributes.gsi4pk,
        );
        expect(keys.indexPartitions('byStatus', ACME_PROD, 'LIVE', { status: c.status, shardCount: read })).toContain(
          attributes.gsi3pk,
        );
        expect(keys.indexPartitions('bySource', ACME_PROD, 'LIVE', { shardCount: read })).toContain(attributes.gsi1pk);
        expect(keys.resourcePartitions(ACME_PROD, 'LIVE', c.source, read)).toContain(attributes.gsi1pk);
        expect(keys.resourcePartitions(ACME_PROD, 'LIVE', c.target, read)).toContain(attributes.gsi2pk);
      }),
      { numRuns: 500 },
    );
  });

  it("reads a resource's partitions under each count it has had, each once: one at one shard, at most one per doubling", () => {
    fc.assert(
      fc.property(fc.constantFrom(...RESOURCE_TYPES), resourceIdArbitrary, counts, (type, id, count) => {
        const partitions = keys.resourcePartitions(ACME_PROD, 'LIVE', { type, id }, count);

        expect(new Set(partitions).size).toBe(partitions.length);
        expect(partitions.length).toBeLessThanOrEqual(shardCounts(count).length);
        expect(partitions[0]).toBe('ENV#acme#prod#LIVE#00');
        if (count === 1) expect(partitions).toHaveLength(1);
      }),
    );
  });

  it('moves an entry, at its next write under a doubled count, to its old shard or the one a count above it', () => {
    fc.assert(
      fc.property(connectionArbitrary, fc.constantFrom(1, 2, 4, 8, 16), (c, count) => {
        const shard = (attributes: Record<string, string>) => Number(attributes.gsi4pk!.slice(-2));
        const before = shard(keys.indexAttributes(ACME_PROD, 'LIVE', c, count));
        const after = shard(keys.indexAttributes(ACME_PROD, 'LIVE', c, count * 2));

        expect([before, before + count]).toContain(after);
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
    const app10 = keys.indexAttributes(
      ACME_PROD,
      'LIVE',
      { id: ID, status: 'pending', source: { type: 'application', id: 'app-10' }, target: SERVER },
      1,
    );
    const app1 = keys.indexAttributes(
      ACME_PROD,
      'LIVE',
      { id: ID, status: 'pending', source: { type: 'application', id: 'app-1' }, target: SERVER },
      1,
    );

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
          const sortKey = keys.indexAttributes(
            ACME_PROD,
            'LIVE',
            { id: ID, status: 'pending', source: { type: t2, id: id2 }, target: SERVER },
            1,
          ).gsi1sk;

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
