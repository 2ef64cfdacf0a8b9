/**
 * The connection's decisions, as pure functions: which pairs may connect, what a create makes, what
 * a patch, a soft delete or a restore does to the connection that was read, what each does to its
 * deadline, and when the deadline sweep fails a connection. The store runs them
 * inside its read-decide-write loop; nothing here reads or writes the database, so every rule can be
 * tested without one.
 */
import {
  ConnectionNotAllowedError,
  ConnectionNotDeletedError,
  InvalidStatusTransitionError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '#model/errors.ts';
import { MAX_DETAILS_BYTES, type CreateConnectionInput, type UpdateConnectionInput } from '#model/inputs.ts';
import { hasDeadline, type DeadlineDefaults, type Scope, type Status } from '#model/vocabulary.ts';
import { diff, type Changes } from './connection.ts';
import type { Connection, HistoryAction } from '#model/representations.ts';
import { mergePatch } from './merge-patch.ts';
import { allowedTargets, isConnectionAllowed, isTransitionAllowed, STATUS_TRANSITIONS } from './rules.ts';

/** `If-Match`: the versions the caller accepts; `'*'` accepts any existing connection. */
export type VersionPrecondition = readonly number[] | '*' | undefined;

/** What a change does to the connection it read. */
export interface Decision {
  readonly next: Connection;
  readonly action: HistoryAction;
  /** Take the pair guard (restore) or give it back (delete) in the same transaction. */
  readonly guard?: 'claim' | 'release';
}

/** A decision made ready to store: the next version, and what changed (nothing: no new version). */
export interface Versioned {
  readonly next: Connection;
  readonly changes: Changes;
}

/** When a change happens, and the service's deadline for each status that waits (its settings). */
export interface Timing {
  readonly now: string;
  readonly deadlines: DeadlineDefaults;
}

/** Who the deadline sweep's changes are recorded as: a service subject, which no caller's token may carry. */
export const DEADLINE_ACTOR = 'system:deadline';
/** Who purges a soft-deleted connection at the end of its retention (its `Connection Purged` event). */
export const RETENTION_ACTOR = 'system:retention';

export const notFound = (): NotFoundError => new NotFoundError('No such connection here.');

/** 422 unless the rules let the source type connect to the target type. */
export function checkPair(input: Pick<CreateConnectionInput, 'sourceResourceType' | 'targetResourceType'>): void {
  if (!isConnectionAllowed(input.sourceResourceType, input.targetResourceType)) {
    throw new ConnectionNotAllowedError(
      input.sourceResourceType,
      input.targetResourceType,
      allowedTargets(input.sourceResourceType),
    );
  }
}

/** A new connection: pending, version 1, made by `actor` at `now`. */
export function newConnection(
  scope: Scope,
  input: CreateConnectionInput,
  { id, actor, now, deadlines }: Timing & { id: string; actor: string },
): Connection {
  checkPair(input);
  return {
    id,
    ...scope,
    sourceResourceType: input.sourceResourceType,
    sourceResourceId: input.sourceResourceId,
    targetResourceType: input.targetResourceType,
    targetResourceId: input.targetResourceId,
    status: 'pending',
    statusReason: null,
    statusDeadline: deadlineAfter(now, input.deadlineSeconds ?? deadlines.pending),
    details: input.details ?? {},
    createdAt: now,
    updatedAt: now,
    createdBy: actor,
    updatedBy: actor,
    version: 1,
  };
}

/**
 * Which connections a change applies to: live ones (patch, delete: a deleted one is a 404), or
 * deleted ones (restore: a live one is a 409). Then If-Match, against the version read.
 */
export function checkApplicable(
  current: Connection,
  { deleted, ifMatch }: { deleted: boolean; ifMatch: VersionPrecondition },
): void {
  if ((current.deletedAt !== undefined) !== deleted) throw deleted ? new ConnectionNotDeletedError() : notFound();
  checkPrecondition(ifMatch, current.version);
}

export function checkPrecondition(ifMatch: VersionPrecondition, version: number): void {
  if (ifMatch === undefined || ifMatch === '*' || ifMatch.includes(version)) return;
  throw new PreconditionFailedError(version);
}

/**
 * PATCH: a status move along the transition table, statusReason, details merged (RFC 7396) within
 * 4 KiB, and the deadline: set on entering pending or connecting, moved by a heartbeat.
 * statusReason explains the status it came with: a move without one clears it; statusReason alone,
 * or with the status the connection already has, replaces it; neither leaves it.
 */
export function applyPatch(current: Connection, patch: UpdateConnectionInput, timing: Timing): Decision {
  const next: Connection = { ...current };
  const status = patch.status ?? current.status;
  const moves = status !== current.status;
  if (moves) {
    if (!isTransitionAllowed(current.status, status)) {
      throw new InvalidStatusTransitionError(current.status, status, STATUS_TRANSITIONS[current.status]);
    }
    next.status = status;
  }
  if (patch.statusReason !== undefined) next.statusReason = patch.statusReason;
  else if (moves) next.statusReason = null;
  if (patch.details !== undefined) {
    next.details =
      patch.details === null ? {} : (mergePatch(current.details, patch.details) as Record<string, unknown>);
    if (Buffer.byteLength(JSON.stringify(next.details)) > MAX_DETAILS_BYTES) {
      throw new ValidationError([
        { path: 'details', message: `after the merge, must be at most ${MAX_DETAILS_BYTES} bytes as JSON` },
      ]);
    }
  }
  next.statusDeadline = deadlineAfterPatch(current, next.status, patch.deadlineSeconds, timing);
  return { next, action: 'updated' };
}

/**
 * The deadline a patch leaves: entering pending or connecting sets it to now plus `deadlineSeconds`
 * or the status's default; `deadlineSeconds` while the status stays moves it (a heartbeat);
 * otherwise it stays. Any other status has none, and `deadlineSeconds` there is refused.
 */
function deadlineAfterPatch(
  current: Connection,
  status: Status,
  seconds: number | undefined,
  { now, deadlines }: Timing,
): string | null {
  if (!hasDeadline(status)) {
    if (seconds === undefined) return null;
    throw new ValidationError([
      {
        path: 'deadlineSeconds',
        message: `applies only to a connection left pending or connecting; this one would be ${status}`,
      },
    ]);
  }
  if (status !== current.status) return deadlineAfter(now, seconds ?? deadlines[status]);
  return seconds === undefined ? current.statusDeadline : deadlineAfter(now, seconds);
}

/**
 * Soft delete: the record and its history stay; the pair guard is given back. A deleted connection
 * waits for nothing, so it has no deadline (a restore gives it a new one).
 */
export function softDelete(current: Connection, now: string): Decision {
  return { next: { ...current, deletedAt: now, statusDeadline: null }, action: 'deleted', guard: 'release' };
}

/**
 * Undoes a soft delete: back to `pending` (its resources must be connected again) with a new
 * pending deadline, the guard taken again.
 */
export function restore(current: Connection, { now, deadlines }: Timing): Decision {
  const { deletedAt: _deletedAt, ...live } = current;
  return {
    next: { ...live, status: 'pending', statusReason: null, statusDeadline: deadlineAfter(now, deadlines.pending) },
    action: 'restored',
    guard: 'claim',
  };
}

/** `now` plus `seconds`, as the representation writes times. */
export const deadlineAfter = (now: string, seconds: number): string =>
  new Date(Date.parse(now) + seconds * 1000).toISOString();

/** Whether a deadline has passed at `now`; one that is exactly now has. */
export const hasPassed = (deadline: string | null, now: string): boolean =>
  deadline !== null && Date.parse(deadline) <= Date.parse(now);

/**
 * The deadline sweep's decision about the connection as it now is: fail it if its deadline has
 * passed at `now`, naming the status it waited in and since when; leave it as it is otherwise (it
 * moved on, or a heartbeat moved its deadline after the sweep found it).
 */
export function expire(current: Connection, { now, statusSince }: { now: string; statusSince: string }): Decision {
  if (!hasDeadline(current.status) || !hasPassed(current.statusDeadline, now))
    return { next: current, action: 'updated' };
  return {
    next: {
      ...current,
      status: 'failed',
      statusReason: `deadline passed: ${current.status} since ${statusSince}`,
      statusDeadline: null,
    },
    action: 'updated',
  };
}

/**
 * When `next`'s status was entered, kept only while it has a deadline (the sweep's reason names
 * it): at this version's time when the change entered it (a create, a move, a restore), else as
 * before. `before` is what was stored; a connection stored before deadlines existed has none, and
 * its last change is then a time it has been in its status since.
 */
export function statusSince(current: Connection | undefined, next: Connection, before?: string): string | undefined {
  if (next.statusDeadline === null) return undefined;
  const entered =
    current === undefined ||
    current.status !== next.status ||
    (current.deletedAt !== undefined && next.deletedAt === undefined);
  return entered ? next.updatedAt : (before ?? current.updatedAt);
}

/**
 * The version to store: one more than the version read, stamped with who and when. When nothing
 * changes (say, the status it already has) the connection stays as read, so a retry succeeds
 * without a new version.
 */
export function nextVersion(
  current: Connection,
  decision: Decision,
  { actor, now }: { actor: string; now: string },
): Versioned {
  const changes = diff(current, decision.next);
  if (Object.keys(changes).length === 0) return { next: current, changes };
  return { next: { ...decision.next, version: current.version + 1, updatedAt: now, updatedBy: actor }, changes };
}
