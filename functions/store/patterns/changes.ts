/**
 * The three changes of one connection a caller asks for: patch, soft delete and restore, each the
 * shared read-decide-write of change.ts with its own decision. A module of its own, so that a
 * function bundles the changes and nothing of the lists, the graph or the cascade.
 */
import { applyPatch, restore, softDelete, type Timing } from '#domain/decisions.ts';
import type { UpdateConnectionInput } from '#model/inputs.ts';
import { DEFAULT_DEADLINE_SECONDS } from '#model/vocabulary.ts';
import { change, type ChangeOptions, type Changed } from './change.ts';
import type { StoreTable } from './table.ts';

const timing = (table: StoreTable, now: string): Timing => ({
  now,
  deadlines: table.deadlines ?? DEFAULT_DEADLINE_SECONDS,
});

/** PATCH: status, reason, details (merged) or a heartbeat's deadline. */
export function updateConnection(
  table: StoreTable,
  { patch, ...options }: ChangeOptions & { patch: UpdateConnectionInput },
): Promise<Changed> {
  return change(table, options, { deleted: false }, (current, now) => applyPatch(current, patch, timing(table, now)));
}

/** Soft delete: the record and its history stay; the pair guard is released. */
export function deleteConnection(table: StoreTable, options: ChangeOptions): Promise<Changed> {
  return change(table, options, { deleted: false }, softDelete);
}

/** Undoes a soft delete: back to `pending`, its resources must be connected again. */
export function restoreConnection(table: StoreTable, options: ChangeOptions): Promise<Changed> {
  return change(table, options, { deleted: true }, (current, now) => restore(current, timing(table, now)));
}
