/**
 * The connection's decisions without a database: what a create makes, status transitions, version
 * increments, the details size limit, soft delete and restore, and what each does to the deadline
 * (its arithmetic, its bounds, the heartbeat and the sweep's decision).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Connection } from '#model/representations.ts';
import {
  applyPatch,
  checkApplicable,
  checkPair,
  deadlineAfter,
  expire,
  hasPassed,
  newConnection,
  nextVersion,
  restore,
  softDelete,
  statusSince,
  type Timing,
} from '#domain/decisions.ts';
import { isTransitionAllowed, STATUS_TRANSITIONS } from '#domain/rules.ts';
import { DEADLINE_STATUSES, DEFAULT_DEADLINE_SECONDS, hasDeadline, STATUSES } from '#model/vocabulary.ts';
import {
  ConnectionNotAllowedError,
  ConnectionNotDeletedError,
  InvalidStatusTransitionError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '#model/errors.ts';
import { MAX_DETAILS_BYTES } from '#model/inputs.ts';

const scope = { projectSlug: 'acme', environmentSlug: 'dev' };
const T0 = '2026-11-27T12:00:00.000Z';
const T1 = '2026-11-27T12:05:00.000Z';
const deadlines = DEFAULT_DEADLINE_SECONDS;
/** The time of the change under test, with docs/api.md's default deadlines. */
const AT1: Timing = { now: T1, deadlines };
const input = {
  sourceResourceType: 'application',
  sourceResourceId: 'app-42',
  targetResourceType: 'instance',
  targetResourceId: 'i-0abc123',
} as const;

const made = (overrides: Partial<Connection> = {}): Connection => ({
  ...newConnection(
    scope,
    { ...input, details: { port: 8080 } },
    { id: '01JD3Y6Q9K6V7Z5N8M2C4B1A0E', actor: 'alice', now: T0, deadlines },
  ),
  ...overrides,
});

describe('create', () => {
  it('makes a pending connection at version 1, made and last changed by the caller', () => {
    const c = made();

    expect(c).toMatchObject({ ...scope, ...input, status: 'pending', statusReason: null, version: 1 });
    expect(c).toMatchObject({ createdAt: T0, updatedAt: T0, createdBy: 'alice', updatedBy: 'alice' });
    expect(c.details).toEqual({ port: 8080 });
    expect(c.deletedAt).toBeUndefined();
  });

  it('refuses a pair the rules forbid, naming the allowed targets', () => {
    const refused = () => checkPair({ sourceResourceType: 'application', targetResourceType: 'firewall' });

    expect(refused).toThrow(ConnectionNotAllowedError);
    expect(() =>
      newConnection(scope, { ...input, targetResourceType: 'database' }, { id: 'x', actor: 'a', now: T0, deadlines }),
    ).toThrow(ConnectionNotAllowedError);
  });
});

describe('patch', () => {
  it('moves the status exactly as the transition table allows', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATUSES), fc.constantFrom(...STATUSES), (from, to) => {
        const attempt = () => applyPatch(made({ status: from }), { status: to }, AT1);
        if (isTransitionAllowed(from, to)) expect(attempt().next.status).toBe(to);
        else expect(attempt).toThrow(InvalidStatusTransitionError);
      }),
    );
  });

  it('names from, to and what is allowed when it refuses', () => {
    const error = (() => {
      try {
        applyPatch(made({ status: 'connected' }), { status: 'pending' }, AT1);
      } catch (e) {
        return e;
      }
    })();

    expect(error).toBeInstanceOf(InvalidStatusTransitionError);
    expect((error as InvalidStatusTransitionError).extensions).toMatchObject({
      from: 'connected',
      to: 'pending',
      allowed: STATUS_TRANSITIONS.connected,
    });
  });

  it('merges details as JSON Merge Patch, and null clears them', () => {
    const c = made({ details: { port: 8080, tls: true } });

    expect(applyPatch(c, { details: { port: null, host: 'db' } }, AT1).next.details).toEqual({ tls: true, host: 'db' });
    expect(applyPatch(c, { details: null }, AT1).next.details).toEqual({});
  });

  it('refuses a merge that grows details past 4 KiB, and accepts one that reaches it exactly', () => {
    const c = made({ details: { a: 'x'.repeat(MAX_DETAILS_BYTES - 20) } });
    const fill =
      MAX_DETAILS_BYTES - Buffer.byteLength(JSON.stringify({ a: 'x'.repeat(MAX_DETAILS_BYTES - 20), b: '' }));

    expect(() => applyPatch(c, { details: { b: 'y'.repeat(fill + 1) } }, AT1)).toThrow(ValidationError);
    expect(
      Buffer.byteLength(JSON.stringify(applyPatch(c, { details: { b: 'y'.repeat(fill) } }, AT1).next.details)),
    ).toBe(MAX_DETAILS_BYTES);
  });

  it('sets statusReason, and leaves what the patch does not name', () => {
    const next = applyPatch(made({ statusReason: 'old' }), { statusReason: 'provisioning' }, AT1).next;

    expect(next).toMatchObject({ statusReason: 'provisioning', status: 'pending', details: { port: 8080 } });
  });

  describe('statusReason explains the status it came with', () => {
    const connecting = made({ status: 'connecting', statusReason: 'provisioning', version: 2 });
    const reasonAfter = (patch: Parameters<typeof applyPatch>[1]) =>
      applyPatch(connecting, patch, AT1).next.statusReason;

    it('clears it on a move that gives none', () => {
      expect(reasonAfter({ status: 'connected' })).toBeNull();
      expect(reasonAfter({ status: 'failed', details: { step: 'dns' } })).toBeNull();
      expect(reasonAfter({ status: 'disconnected' })).toBeNull();
    });

    it('takes the one a move gives, null included', () => {
      expect(reasonAfter({ status: 'failed', statusReason: 'dns timeout' })).toBe('dns timeout');
      expect(reasonAfter({ status: 'connected', statusReason: null })).toBeNull();
    });

    it('replaces it alone, or with the status the connection already has, and keeps the status', () => {
      expect(applyPatch(connecting, { statusReason: 'retrying' }, AT1).next).toMatchObject({
        status: 'connecting',
        statusReason: 'retrying',
      });
      expect(reasonAfter({ status: 'connecting', statusReason: 'retrying' })).toBe('retrying');
      expect(reasonAfter({ statusReason: null })).toBeNull();
    });

    it('keeps it through a change that neither moves the status nor names it', () => {
      expect(reasonAfter({ details: { step: 'dns' } })).toBe('provisioning');
      expect(reasonAfter({ deadlineSeconds: 60 })).toBe('provisioning');
    });

    it('keeps it when the status is the one it has already: a no-op that succeeds, no new version', () => {
      const { next, changes } = nextVersion(connecting, applyPatch(connecting, { status: 'connecting' }, AT1), {
        actor: 'bob',
        now: T1,
      });
      expect(next).toBe(connecting);
      expect(changes).toEqual({});
    });

    it('records a cleared reason in the change, as any other field', () => {
      const { changes } = nextVersion(connecting, applyPatch(connecting, { status: 'connected' }, AT1), {
        actor: 'bob',
        now: T1,
      });
      expect(changes.statusReason).toEqual({ from: 'provisioning', to: null });
    });
  });
});

describe('versions', () => {
  it('increments the version by one and stamps who and when, recording what changed', () => {
    const c = made({ version: 4 });

    const { next, changes } = nextVersion(c, applyPatch(c, { status: 'connecting' }, AT1), { actor: 'bob', now: T1 });

    expect(next).toMatchObject({ version: 5, updatedAt: T1, updatedBy: 'bob', createdAt: T0, createdBy: 'alice' });
    expect(changes).toEqual({
      status: { from: 'pending', to: 'connecting' },
      statusDeadline: { from: c.statusDeadline, to: deadlineAfter(T1, deadlines.connecting) },
    });
  });

  it('makes no new version when nothing changes: the same status again is a successful no-op', () => {
    const c = made({ version: 3 });

    const { next, changes } = nextVersion(c, applyPatch(c, { status: 'pending' }, AT1), { actor: 'bob', now: T1 });

    expect(next).toBe(c);
    expect(changes).toEqual({});
  });
});

describe('delete and restore', () => {
  it('soft delete sets deletedAt and gives the pair guard back', () => {
    const decision = softDelete(made(), T1);

    expect(decision).toMatchObject({ action: 'deleted', guard: 'release', next: { deletedAt: T1 } });
    expect(nextVersion(made(), decision, { actor: 'bob', now: T1 }).next.version).toBe(2);
  });

  it('restore resets the status to pending, clears statusReason and deletedAt, and claims the guard', () => {
    const deleted = made({ status: 'connected', statusReason: 'up', deletedAt: T1, version: 6 });

    const decision = restore(deleted, AT1);
    const { next, changes } = nextVersion(deleted, decision, { actor: 'carol', now: T1 });

    expect(decision).toMatchObject({ action: 'restored', guard: 'claim' });
    expect(next).toMatchObject({ status: 'pending', statusReason: null, version: 7, updatedBy: 'carol' });
    expect(next.deletedAt).toBeUndefined();
    expect(Object.keys(changes).sort()).toEqual(['deletedAt', 'status', 'statusDeadline', 'statusReason']);
  });

  it('applies a change to live connections only, and a restore to deleted ones only', () => {
    const live = made();
    const deleted = made({ deletedAt: T1 });

    expect(() => checkApplicable(deleted, { deleted: false, ifMatch: undefined })).toThrow(NotFoundError);
    expect(() => checkApplicable(live, { deleted: true, ifMatch: undefined })).toThrow(ConnectionNotDeletedError);
    expect(() => checkApplicable(live, { deleted: false, ifMatch: undefined })).not.toThrow();
    expect(() => checkApplicable(deleted, { deleted: true, ifMatch: undefined })).not.toThrow();
  });

  it('checks If-Match against the version read: a listed version or * passes, any other is 412', () => {
    const c = made({ version: 3 });

    expect(() => checkApplicable(c, { deleted: false, ifMatch: [2, 3] })).not.toThrow();
    expect(() => checkApplicable(c, { deleted: false, ifMatch: '*' })).not.toThrow();
    expect(() => checkApplicable(c, { deleted: false, ifMatch: [2] })).toThrow(PreconditionFailedError);
    expect(() => checkApplicable(c, { deleted: false, ifMatch: [] })).toThrow(PreconditionFailedError);
  });
});

describe('deadline arithmetic', () => {
  it('adds whole seconds to a time, to the millisecond, across days and years', () => {
    expect(deadlineAfter('2026-11-27T12:00:00.123Z', 5)).toBe('2026-11-27T12:00:05.123Z');
    expect(deadlineAfter('2026-12-31T23:45:00.000Z', 900)).toBe('2027-01-01T00:00:00.000Z');
    expect(deadlineAfter('2026-11-27T12:00:00.000Z', 604_800)).toBe('2026-12-04T12:00:00.000Z');
  });

  it('counts a deadline as passed from its very millisecond on, and null as never', () => {
    expect(hasPassed('2026-11-27T12:00:00.000Z', '2026-11-27T11:59:59.999Z')).toBe(false);
    expect(hasPassed('2026-11-27T12:00:00.000Z', '2026-11-27T12:00:00.000Z')).toBe(true);
    expect(hasPassed('2026-11-27T12:00:00.000Z', '2026-11-27T12:00:00.001Z')).toBe(true);
    expect(hasPassed(null, '2099-01-01T00:00:00.000Z')).toBe(false);
  });
});

describe('what a change does to the deadline', () => {
  const seconds = fc.integer({ min: 5, max: 604_800 });

  it('gives a new connection a pending deadline: the default, or deadlineSeconds from the body', () => {
    expect(made().statusDeadline).toBe('2026-11-27T13:00:00.000Z');
    const custom = newConnection(scope, { ...input, deadlineSeconds: 30 }, { id: 'x', actor: 'a', now: T0, deadlines });
    expect(custom.statusDeadline).toBe('2026-11-27T12:00:30.000Z');
    const tuned = newConnection(scope, input, {
      id: 'x',
      actor: 'a',
      now: T0,
      deadlines: { pending: 60, connecting: 5 },
    });
    expect(tuned.statusDeadline).toBe('2026-11-27T12:01:00.000Z');
  });

  it('sets it on entering pending or connecting, and clears it on entering any other status', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATUSES), fc.constantFrom(...STATUSES), (from, to) => {
        fc.pre(from !== to && isTransitionAllowed(from, to));
        const current = made({ status: from, statusDeadline: hasDeadline(from) ? T0 : null });

        const { next } = applyPatch(current, { status: to }, AT1);

        expect(next.statusDeadline).toBe(hasDeadline(to) ? deadlineAfter(T1, deadlines[to]) : null);
      }),
    );
  });

  it('takes deadlineSeconds instead of the default when the same patch enters the status', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('failed', 'disconnected', 'pending') as fc.Arbitrary<'failed' | 'disconnected' | 'pending'>,
        seconds,
        (from, n) => {
          const to = from === 'pending' ? 'connecting' : 'pending';
          const { next } = applyPatch(made({ status: from }), { status: to, deadlineSeconds: n }, AT1);
          expect(next).toMatchObject({ status: to, statusDeadline: deadlineAfter(T1, n) });
        },
      ),
    );
  });

  it('moves it on a heartbeat: deadlineSeconds while the status stays, with or without repeating it', () => {
    for (const status of DEADLINE_STATUSES) {
      const c = made({ status, statusDeadline: T1, version: 4 });
      for (const patch of [{ deadlineSeconds: 120 }, { status, deadlineSeconds: 120 }]) {
        const { next, changes } = nextVersion(c, applyPatch(c, patch, AT1), { actor: 'worker', now: T1 });

        expect(next).toMatchObject({ status, statusDeadline: '2026-11-27T12:07:00.000Z', version: 5 });
        expect(changes).toEqual({ statusDeadline: { from: T1, to: '2026-11-27T12:07:00.000Z' } });
      }
    }
  });

  it('keeps it through a change that neither moves the status nor gives deadlineSeconds', () => {
    const c = made({ status: 'connecting', statusDeadline: '2026-11-27T12:20:00.000Z' });

    const { next } = applyPatch(c, { details: { step: 'dns' }, statusReason: 'provisioning' }, AT1);

    expect(next.statusDeadline).toBe('2026-11-27T12:20:00.000Z');
  });

  it('refuses deadlineSeconds (400, naming it) for a connection left in a status without a deadline', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATUSES), fc.constantFrom(...STATUSES), seconds, (from, to, n) => {
        fc.pre(isTransitionAllowed(from, to) && !hasDeadline(to));
        const attempt = () => applyPatch(made({ status: from }), { status: to, deadlineSeconds: n }, AT1);
        expect(attempt).toThrow(ValidationError);
        try {
          attempt();
        } catch (error) {
          expect((error as ValidationError).errors).toEqual([
            {
              path: 'deadlineSeconds',
              message: `applies only to a connection left pending or connecting; this one would be ${to}`,
            },
          ]);
        }
      }),
    );
    expect(() => applyPatch(made({ status: 'connected' }), { deadlineSeconds: 60 }, AT1)).toThrow(ValidationError);
  });

  it('clears it on a soft delete and gives a restore a new pending deadline', () => {
    const deleted = softDelete(made({ status: 'connecting' }), T1).next;
    expect(deleted.statusDeadline).toBeNull();

    expect(restore(deleted, AT1).next).toMatchObject({
      status: 'pending',
      statusDeadline: deadlineAfter(T1, deadlines.pending),
    });
  });
});

describe('the deadline sweep’s decision', () => {
  const overdue = (status: 'pending' | 'connecting') => made({ status, statusDeadline: T0, version: 3 });

  it('fails a waiting connection whose deadline has passed, naming the status and since when', () => {
    for (const status of DEADLINE_STATUSES) {
      const c = overdue(status);
      const { next, changes } = nextVersion(c, expire(c, { now: T1, statusSince: '2026-11-27T11:00:00.000Z' }), {
        actor: 'system:deadline',
        now: T1,
      });

      expect(next).toMatchObject({
        status: 'failed',
        statusReason: `deadline passed: ${status} since 2026-11-27T11:00:00.000Z`,
        statusDeadline: null,
        version: 4,
        updatedBy: 'system:deadline',
      });
      expect(Object.keys(changes).sort()).toEqual(['status', 'statusDeadline', 'statusReason']);
    }
  });

  it('fails it at its deadline exactly, and leaves it alone a millisecond before', () => {
    const c = made({ status: 'connecting', statusDeadline: T1 });

    expect(expire(c, { now: T1, statusSince: T0 }).next.status).toBe('failed');
    expect(expire(c, { now: '2026-11-27T12:04:59.999Z', statusSince: T0 }).next).toBe(c);
  });

  it('leaves a connection that moved on or got more time: no change, so no new version', () => {
    const heartbeat = made({ status: 'connecting', statusDeadline: '2026-11-27T12:10:00.000Z' });
    const movedOn = STATUSES.filter((status) => !hasDeadline(status)).map((status) =>
      made({ status, statusDeadline: null }),
    );

    for (const c of [heartbeat, ...movedOn]) {
      const decision = expire(c, { now: T1, statusSince: T0 });
      expect(nextVersion(c, decision, { actor: 'system:deadline', now: T1 }).next).toBe(c);
    }
  });
});

describe('when the status was entered', () => {
  const at = (c: Connection, now: string): Connection => ({ ...c, updatedAt: now });

  it('is the time of the version that entered it: a create, a move, a restore', () => {
    const created = made();
    expect(statusSince(undefined, created)).toBe(T0);

    const moved = at(applyPatch(created, { status: 'connecting' }, AT1).next, T1);
    expect(statusSince(created, moved, T0)).toBe(T1);

    const deleted = made({ deletedAt: T0, statusDeadline: null });
    expect(statusSince(deleted, at(restore(deleted, AT1).next, T1), undefined)).toBe(T1);
  });

  it('stays through a heartbeat or a details change, and is dropped with the deadline', () => {
    const c = made({ status: 'connecting', statusDeadline: T1 });
    const beat = at(applyPatch(c, { deadlineSeconds: 60 }, AT1).next, T1);
    expect(statusSince(c, beat, '2026-11-27T11:30:00.000Z')).toBe('2026-11-27T11:30:00.000Z');

    const connected = at(applyPatch(c, { status: 'connected' }, AT1).next, T1);
    expect(statusSince(c, connected, '2026-11-27T11:30:00.000Z')).toBeUndefined();
  });

  it('falls back to the last change for a connection stored before deadlines existed', () => {
    const legacy = made({ status: 'pending', statusDeadline: null, updatedAt: '2026-11-27T11:00:00.000Z' });

    const beat = at(applyPatch(legacy, { deadlineSeconds: 60 }, AT1).next, T1);

    expect(statusSince(legacy, beat, undefined)).toBe('2026-11-27T11:00:00.000Z');
  });
});

describe('the message of a refused pair', () => {
  it('speaks of "an instance" and "a database", with their articles', () => {
    const c = () => checkPair({ sourceResourceType: 'instance', targetResourceType: 'application' });
    expect(c).toThrow('An instance cannot connect to an application; an instance may connect to: firewall, database.');
    const d = () => checkPair({ sourceResourceType: 'database', targetResourceType: 'instance' });
    expect(d).toThrow('A database cannot connect to an instance; a database may connect to: nothing.');
  });
});
