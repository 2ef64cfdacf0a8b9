/**
 * The connection's decisions without a database: what a create makes, status transitions, version
 * increments, the details size limit, soft delete and restore.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Connection } from '#model/representations.ts';
import {
  applyPatch,
  checkApplicable,
  checkPair,
  newConnection,
  nextVersion,
  restore,
  softDelete,
} from '#domain/decisions.ts';
import { isTransitionAllowed, STATUS_TRANSITIONS } from '#domain/rules.ts';
import { STATUSES } from '#model/vocabulary.ts';
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
    { id: '01JD3Y6Q9K6V7Z5N8M2C4B1A0E', actor: 'alice', now: T0 },
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
      newConnection(scope, { ...input, targetResourceType: 'database' }, { id: 'x', actor: 'a', now: T0 }),
    ).toThrow(ConnectionNotAllowedError);
  });
});

describe('patch', () => {
  it('moves the status exactly as the transition table allows', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATUSES), fc.constantFrom(...STATUSES), (from, to) => {
        const attempt = () => applyPatch(made({ status: from }), { status: to });
        if (isTransitionAllowed(from, to)) expect(attempt().next.status).toBe(to);
        else expect(attempt).toThrow(InvalidStatusTransitionError);
      }),
    );
  });

  it('names from, to and what is allowed when it refuses', () => {
    const error = (() => {
      try {
        applyPatch(made({ status: 'connected' }), { status: 'pending' });
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

    expect(applyPatch(c, { details: { port: null, host: 'db' } }).next.details).toEqual({ tls: true, host: 'db' });
    expect(applyPatch(c, { details: null }).next.details).toEqual({});
  });

  it('refuses a merge that grows details past 4 KiB, and accepts one that reaches it exactly', () => {
    const c = made({ details: { a: 'x'.repeat(MAX_DETAILS_BYTES - 20) } });
    const fill =
      MAX_DETAILS_BYTES - Buffer.byteLength(JSON.stringify({ a: 'x'.repeat(MAX_DETAILS_BYTES - 20), b: '' }));

    expect(() => applyPatch(c, { details: { b: 'y'.repeat(fill + 1) } })).toThrow(ValidationError);
    expect(Buffer.byteLength(JSON.stringify(applyPatch(c, { details: { b: 'y'.repeat(fill) } }).next.details))).toBe(
      MAX_DETAILS_BYTES,
    );
  });

  it('sets statusReason, and leaves what the patch does not name', () => {
    const next = applyPatch(made({ statusReason: 'old' }), { statusReason: 'provisioning' }).next;

    expect(next).toMatchObject({ statusReason: 'provisioning', status: 'pending', details: { port: 8080 } });
  });
});

describe('versions', () => {
  it('increments the version by one and stamps who and when, recording what changed', () => {
    const c = made({ version: 4 });

    const { next, changes } = nextVersion(c, applyPatch(c, { status: 'connecting' }), { actor: 'bob', now: T1 });

    expect(next).toMatchObject({ version: 5, updatedAt: T1, updatedBy: 'bob', createdAt: T0, createdBy: 'alice' });
    expect(changes).toEqual({ status: { from: 'pending', to: 'connecting' } });
  });

  it('makes no new version when nothing changes: the same status again is a successful no-op', () => {
    const c = made({ version: 3 });

    const { next, changes } = nextVersion(c, applyPatch(c, { status: 'pending' }), { actor: 'bob', now: T1 });

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

    const decision = restore(deleted);
    const { next, changes } = nextVersion(deleted, decision, { actor: 'carol', now: T1 });

    expect(decision).toMatchObject({ action: 'restored', guard: 'claim' });
    expect(next).toMatchObject({ status: 'pending', statusReason: null, version: 7, updatedBy: 'carol' });
    expect(next.deletedAt).toBeUndefined();
    expect(Object.keys(changes).sort()).toEqual(['deletedAt', 'status', 'statusReason']);
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

describe('the message of a refused pair', () => {
  it('speaks of "an instance" and "a database", with their articles', () => {
    const c = () => checkPair({ sourceResourceType: 'instance', targetResourceType: 'application' });
    expect(c).toThrow('An instance cannot connect to an application; an instance may connect to: firewall, database.');
    const d = () => checkPair({ sourceResourceType: 'database', targetResourceType: 'instance' });
    expect(d).toThrow('A database cannot connect to an instance; a database may connect to: nothing.');
  });
});
