/**
 * The connection's decisions, as pure functions: which pairs may connect, what a create makes, and
 * what a patch, a soft delete or a restore does to the connection that was read. The store runs them
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
import type { Scope } from '#model/vocabulary.ts';
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
  { id, actor, now }: { id: string; actor: string; now: string },
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

/** PATCH: a status move along the transition table, statusReason, and details merged (RFC 7396) within 4 KiB. */
export function applyPatch(current: Connection, patch: UpdateConnectionInput): Decision {
  const next: Connection = { ...current };
  if (patch.status !== undefined && patch.status !== current.status) {
    if (!isTransitionAllowed(current.status, patch.status)) {
      throw new InvalidStatusTransitionError(current.status, patch.status, STATUS_TRANSITIONS[current.status]);
    }
    next.status = patch.status;
  }
  if (patch.statusReason !== undefined) next.statusReason = patch.statusReason;
  if (patch.details !== undefined) {
    next.details =
      patch.details === null ? {} : (mergePatch(current.details, patch.details) as Record<string, unknown>);
    if (Buffer.byteLength(JSON.stringify(next.details)) > MAX_DETAILS_BYTES) {
      throw new ValidationError([
        { path: 'details', message: `after the merge, must be at most ${MAX_DETAILS_BYTES} bytes as JSON` },
      ]);
    }
  }
  return { next, action: 'updated' };
}

/** Soft delete: the record and its history stay; the pair guard is given back. */
export function softDelete(current: Connection, now: string): Decision {
  return { next: { ...current, deletedAt: now }, action: 'deleted', guard: 'release' };
}

/** Undoes a soft delete: back to `pending` (its resources must be connected again), the guard taken again. */
export function restore(current: Connection): Decision {
  const { deletedAt: _deletedAt, ...live } = current;
  return { next: { ...live, status: 'pending', statusReason: null }, action: 'restored', guard: 'claim' };
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
