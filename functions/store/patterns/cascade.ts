/**
 * The cascade: soft-deletes every live connection of a resource, each in its own transaction with
 * its guard and history, a bounded batch at a time, until done or until its time budget (well
 * inside API Gateway's 30 s, and never past what its function's timeout leaves) runs out; the caller
 * repeats until `complete`.
 *
 * The index it pages trails the table: an entry may still show a connection already deleted (the
 * delete's condition fails, a consistent read confirms it is gone) and may not yet show one just
 * made live. So it pages the index with its cursor past any stale head, and reports `complete` only
 * after a full pass over the index in which every entry proved, by that consistent read, to be
 * already deleted.
 *
 * When DynamoDB throttles it or fails to answer in time, it does not give up: it halves how many
 * deletes it sends at once and tries the failed ones again, down to one at a time; it grows back by
 * one per clean batch. Only a delete that fails even alone, with nothing deleted yet, answers 503
 * (otherwise: 202, repeat). A delete that timed out yet committed is found deleted on its retry.
 */
import { softDelete } from '#domain/decisions.ts';
import { NotFoundError, ServiceUnavailableError } from '#model/errors.ts';
import type { ResourceRef, Scope } from '#model/vocabulary.ts';
import { isDatabaseUnavailable } from '../database-errors.ts';
import { change, type Stored } from './change.ts';
import { listResourceStored } from './lists.ts';
import type { StoreTable } from './table.ts';
import type { CascadeResult } from '#model/representations.ts';

/** Connections deleted at once by a cascade: bounded, so one request never floods the table. */
export const CASCADE_PARALLELISM = 25;
const PAGE = CASCADE_PARALLELISM * 4;
/** Work per request, well inside API Gateway's 30 s (the function may run 29 s). */
export const CASCADE_TIME_BUDGET_MS = 20_000;

export interface CascadeOptions {
  readonly scope: Scope;
  readonly resource: ResourceRef;
  readonly actor: string;
  /** No new batch after this (epoch ms); unset: the table's time budget from now. */
  readonly stopAt?: number | undefined;
}

/** How a cascade stops early: out of time (202), or pushed back even one at a time. */
class Stop extends Error {}

export async function deleteAllForResource(
  table: StoreTable,
  { scope, resource, actor, stopAt }: CascadeOptions,
): Promise<CascadeResult> {
  const deadline = stopAt ?? Date.now() + (table.cascadeTimeBudgetMs ?? CASCADE_TIME_BUDGET_MS);
  let deleted = 0;
  let parallelism = CASCADE_PARALLELISM;
  // The first batch always runs, so that every request makes progress however small its budget.
  let batches = 0;
  const outOfTime = () => batches > 0 && Date.now() >= deadline;

  /** Deletes every connection of `items`, in batches sized by what DynamoDB lets through. */
  const deleteAll = async (items: Stored[]) => {
    let left = items;
    while (left.length > 0) {
      if (outOfTime()) throw new Stop();
      batches++;
      const batch = left.slice(0, parallelism);
      const results = await Promise.allSettled(
        batch.map((known) =>
          change(table, { scope, id: known.connection.id, actor }, { deleted: false, known }, softDelete),
        ),
      );
      const pushedBack = batch.filter((_, i) => isPushBack(results[i]!));
      for (const result of results) {
        if (result.status === 'fulfilled') deleted++;
        else if (!(result.reason instanceof NotFoundError) && !isPushBack(result)) throw result.reason; // 404: a stale entry
      }
      if (pushedBack.length === 0) parallelism = Math.min(CASCADE_PARALLELISM, parallelism + 1);
      else if (batch.length === 1) throw new Stop();
      else parallelism = Math.max(1, Math.floor(batch.length / 2));
      left = [...pushedBack, ...left.slice(batch.length)];
    }
  };

  try {
    for (;;) {
      const before = deleted;
      let nextToken: string | undefined;
      do {
        if (outOfTime()) return { deleted, complete: false };
        const page = await listResourceStored(table, { scope, resource, query: { limit: PAGE, nextToken } });
        await deleteAll(page.items);
        nextToken = page.nextToken ?? undefined;
      } while (nextToken);
      // A pass that deleted nothing saw only connections already deleted: none is live.
      if (deleted === before) return { deleted, complete: true };
    }
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    if (deleted === 0 && batches > 0 && Date.now() < deadline) throw new ServiceUnavailableError();
    return { deleted, complete: false };
  }
}

/** A delete the database pushed back on: throttled past the write budget, or not answered in time. */
const isPushBack = (result: PromiseSettledResult<unknown>): boolean =>
  result.status === 'rejected' &&
  (result.reason instanceof ServiceUnavailableError || isDatabaseUnavailable(result.reason));
