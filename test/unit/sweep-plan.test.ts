/**
 * The deadline sweep's planning: how a run's limit is shared between projects (water-filling: an
 * equal share each, what one does not need shared again), the order the chosen connections are
 * taken in, and what a page of the deadline index says.
 */
import type { QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Scope } from '#model/vocabulary.ts';
import { DEADLINE_SHARDS, keys, shardOf } from '#store/keys.ts';
import { chooseDue } from '#store/sweep/plan.ts';
import { readPage, shareOut, takeInTurns, type DueEntry } from '#store/sweep/share.ts';
import { DEFAULT_LAYOUT, TABLE } from '#store/table-definition.ts';

const { sortKey } = TABLE.indexes.byDeadline;

describe('shareOut', () => {
  const cases: [string, number, Record<string, number>, Record<string, number>][] = [
    ['one project takes all it has', 20, { a: 5 }, { a: 5 }],
    ['one project, more due than the limit', 20, { a: Infinity }, { a: 20 }],
    ['a flood and a single one: the single one is not held up', 20, { a: 200, b: 1 }, { a: 19, b: 1 }],
    ['two floods share evenly', 20, { a: Infinity, b: Infinity }, { a: 10, b: 10 }],
    ['what a small project leaves goes to the others', 30, { a: Infinity, b: Infinity, c: 2 }, { a: 14, b: 14, c: 2 }],
    ['nothing due', 20, {}, {}],
    ['a project with nothing due gets nothing', 20, { a: 0, b: 3 }, { a: 0, b: 3 }],
    ['less due in all than the limit: everything', 1000, { a: 300, b: 200, c: 1 }, { a: 300, b: 200, c: 1 }],
    // The remainder goes to the projects with the soonest due deadline (here in name order, see below).
    ['a limit that does not divide evenly', 10, { a: Infinity, b: Infinity, c: Infinity }, { a: 4, b: 3, c: 3 }],
    ['more projects than the limit', 2, { a: 5, b: 5, c: 5 }, { a: 1, b: 1, c: 0 }],
  ];

  it.each(cases)('%s', (_, limit, demand, expected) => {
    const soonest = new Map(Object.keys(demand).map((project) => [project, '2026-01-01T00:00:00.000Z']));
    expect(Object.fromEntries(shareOut(limit, new Map(Object.entries(demand)), soonest))).toEqual(expected);
  });

  it('gives the last few to the projects waiting longest', () => {
    const soonest = new Map([
      ['a', '2026-01-01T00:00:09.000Z'],
      ['b', '2026-01-01T00:00:01.000Z'],
      ['c', '2026-01-01T00:00:05.000Z'],
    ]);
    const shares = shareOut(
      2,
      new Map([
        ['a', 5],
        ['b', 5],
        ['c', 5],
      ]),
      soonest,
    );
    expect(Object.fromEntries(shares)).toEqual({ a: 0, b: 1, c: 1 });
  });

  it('never gives more than the limit, nor more than a project has, nor less than its share while it has more', () => {
    const demandArbitrary = fc.dictionary(
      fc.stringMatching(/^[a-e]$/),
      fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(Infinity)),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120 }), demandArbitrary, (limit, record) => {
        const demand = new Map(Object.entries(record));
        const shares = shareOut(limit, demand, new Map());
        const given = [...shares.values()].reduce((a, b) => a + b, 0);
        const wanted = [...demand.values()].reduce((a, b) => a + b, 0);
        expect(given).toBe(Math.min(limit, wanted));
        for (const [project, share] of shares) {
          expect(share).toBeLessThanOrEqual(demand.get(project)!);
          // Fair: no project that got less than it has is more than one behind another's share.
          if (share < demand.get(project)!)
            for (const other of shares.values()) expect(other).toBeLessThanOrEqual(share + 1);
        }
      }),
    );
  });
});

const entry = (project: string, deadline: string, id = `${project}-${deadline}`): DueEntry => ({
  keys: { id },
  project,
  group: `${deadline.slice(0, 16)}#${project}`,
  deadline,
});

describe('takeInTurns', () => {
  it('takes each project’s share, soonest first, one project after another, the longest waiting first', () => {
    const due = new Map([
      ['a', [entry('a', 'T3'), entry('a', 'T1'), entry('a', 'T2'), entry('a', 'T4')]],
      ['b', [entry('b', 'T5')]],
      ['c', [entry('c', 'T0'), entry('c', 'T6')]],
    ]);
    const order = takeInTurns(
      due,
      new Map([
        ['a', 3],
        ['b', 1],
        ['c', 1],
      ]),
    );
    expect(order.map((e) => `${e.project}${e.deadline}`)).toEqual(['cT0', 'aT1', 'bT5', 'aT2', 'aT3']);
  });
});

describe('readPage', () => {
  const now = '2026-11-27T13:00:30.000Z';
  const item = (project: string, deadline: string) => ({
    [sortKey]: keys.deadlineIndex({ projectSlug: project, environmentSlug: 'prod' }, `ID${deadline}`, deadline)[
      sortKey
    ],
  });

  it('keeps the due entries, and the group the page stopped inside when more of it may be due', () => {
    const items = [item('a', '2026-11-27T12:59:00.000Z'), item('b', '2026-11-27T13:00:10.000Z')];
    const page = readPage(items, { now, more: true, sortKey });

    expect(page.due.map((e) => e.project)).toEqual(['a', 'b']);
    expect(page.open?.group).toBe('2026-11-27T13:00#b');
    expect(page.lastGroup).toBe('2026-11-27T13:00#b');
    expect(readPage(items, { now, more: false, sortKey }).open).toBeUndefined();
  });

  it('leaves out the entries of the run’s minute not due yet, and closes their group', () => {
    const items = [item('a', '2026-11-27T13:00:10.000Z'), item('a', '2026-11-27T13:00:40.000Z')];
    const page = readPage(items, { now, more: true, sortKey });

    expect(page.due.map((e) => e.deadline)).toEqual(['2026-11-27T13:00:10.000Z']);
    expect(page.open).toBeUndefined();
    expect(page.lastGroup).toBe('2026-11-27T13:00#a');
  });
});

/**
 * The deadline index in memory, answering the Queries a run sends (`<=`, `BETWEEN`, Limit as the
 * items examined, ExclusiveStartKey, a LastEvaluatedKey whenever Limit stops it), for runs over
 * more entries than a test could write to DynamoDB Local.
 */
function deadlineIndex(entries: readonly { scope: Scope; id: string; deadline: string }[]) {
  const { partitionKey } = TABLE.indexes.byDeadline;
  const partitions = new Map<string, Record<string, string>[]>();
  for (const { scope, id, deadline } of entries) {
    const item = { ...keys.deadlineIndex(scope, id, deadline), ...keys.connection(scope, id) };
    partitions.set(item[partitionKey]!, [...(partitions.get(item[partitionKey]!) ?? []), item]);
  }
  for (const items of partitions.values()) items.sort((a, b) => (a[sortKey]! < b[sortKey]! ? -1 : 1));
  const queries: string[] = [];
  const send = async (command: QueryCommand) => {
    const { ExpressionAttributeValues: values = {}, Limit = Infinity, ExclusiveStartKey: after } = command.input;
    const [from, to, pk] = [values[':from'] as string | undefined, values[':to'] as string, values[':pk'] as string];
    queries.push(pk);
    const inRange = (partitions.get(pk) ?? []).filter(
      (item) =>
        (from === undefined || item[sortKey]! >= from) &&
        item[sortKey]! <= to &&
        (after === undefined || item[sortKey]! > String(after[sortKey])),
    );
    const examined = inRange.slice(0, Limit);
    const more = examined.length === Limit;
    return { Items: examined, Count: examined.length, ...(more ? { LastEvaluatedKey: examined.at(-1) } : {}) };
  };
  const table = { client: { send }, tableName: 't', pageTokenSecret: 's', layout: DEFAULT_LAYOUT } as never;
  return { table, queries };
}

describe('chooseDue, over an index in memory', () => {
  const minute = 60_000;
  const at = (ms: number) => new Date(Date.parse('2026-11-27T12:00:00.000Z') + ms).toISOString();
  const scope = (projectSlug: string): Scope => ({ projectSlug, environmentSlug: 'prod' });
  let n = 0;
  const id = () => `01JD3Y6Q9K6V7Z5N8M2C4B${String(n++).padStart(4, '0')}`;

  it('finds the one connection of a project due a moment after another project’s flood, in the first run', async () => {
    const flood = Array.from({ length: 200 }, (_, i) => ({ scope: scope('a'), id: id(), deadline: at(i * 10) }));
    const victim = { scope: scope('b'), id: id(), deadline: at(2001) };
    const { table, queries } = deadlineIndex([...flood, victim]);

    const choice = await chooseDue({ table, now: at(2100), tally: { queries: 0, examined: 0 } }, 20);

    expect(choice.queue).toHaveLength(20);
    expect(choice.queue.filter((e) => e.project === 'b')).toHaveLength(1);
    expect(choice.projects).toBe(2);
    // The flood's share is its soonest: a project's own order is kept.
    const taken = choice.queue.filter((e) => e.project === 'a').map((e) => e.deadline);
    expect(taken).toEqual(flood.slice(0, 19).map((f) => f.deadline));
    expect(queries).toHaveLength(128);
  });

  it('finds newly due work of a project behind another project’s deep backlog, from the fresh window', async () => {
    // An hour of one project's backlog, 40 a minute in each of the victim's shard's minutes.
    const victim = { scope: scope('zz'), id: id(), deadline: at(90 * minute) };
    const shard = shardOf(victim.id, DEADLINE_SHARDS);
    const backlog: { scope: Scope; id: string; deadline: string }[] = [];
    for (let m = 0; m < 60; m++) {
      for (let made = 0; made < 40;) {
        const candidate = id();
        if (shardOf(candidate, DEADLINE_SHARDS) !== shard) continue;
        backlog.push({ scope: scope('a'), id: candidate, deadline: at(m * minute + made * 1000) });
        made++;
      }
    }
    const { table } = deadlineIndex([...backlog, victim]);

    const choice = await chooseDue({ table, now: at(90 * minute + 30_000), tally: { queries: 0, examined: 0 } }, 20);

    expect(choice.queue.map((e) => e.project)).toContain('zz');
    expect(choice.unknown).toBe(true);
    expect(choice.queue.filter((e) => e.project === 'a')).toHaveLength(19);
  });

  it('reads more of a flood where its share needs it, and knows when it has read everything due', async () => {
    const flood = Array.from({ length: 300 }, (_, i) => ({ scope: scope('a'), id: id(), deadline: at(i) }));
    const few = Array.from({ length: 3 }, (_, i) => ({ scope: scope('b'), id: id(), deadline: at(i) }));
    const { table } = deadlineIndex([...flood, ...few]);

    const big = await chooseDue({ table, now: at(minute), tally: { queries: 0, examined: 0 } }, 1000);
    expect(big).toMatchObject({ read: 303, unknown: false, projects: 2 });
    expect(big.queue).toHaveLength(303);

    const small = await chooseDue({ table, now: at(minute), tally: { queries: 0, examined: 0 } }, 100);
    expect(small.queue.filter((e) => e.project === 'b')).toHaveLength(3);
    expect(small.queue.filter((e) => e.project === 'a')).toHaveLength(97);
  });
});
