/**
 * The cascade: soft-deletes every live connection of a resource, each in its own transaction with
 * its guard and history, a bounded batch at a time, until done or until its time budget (well
 * inside API Gateway's 30 s) runs out; the caller repeats until `complete`.
 *
 * The index it pages trails the table: an entry may still show a connection already deleted (the
 * delete's condition fails, a consistent read confirms it is gone) and may not yet show one just
 * made live. So it pages the index with its cursor past any stale head, and reports `complete` only
 * after a full pass over the index in which every entry proved, by that consistent read, to be
 * already deleted.
 */
import { softDelete } from '#domain/decisions.ts';
import { NotFoundError } from '#model/errors.ts';
import type { ResourceRef, Scope } from '#model/vocabulary.ts';
import { change } from './change.ts';
import { listResourceConnections } from './lists.ts';
import type { StoreTable } from './table.ts';
import type { CascadeResult } from '#model/representations.ts';

/** Connections deleted at once by a cascade: bounded, so one request never floods the table. */
const CASCADE_PARALLELISM = 25;
const PAGE = CASCADE_PARALLELISM * 4;
/** Work per request, well inside API Gateway's 30 s (the function may run 29 s). */
export const CASCADE_TIME_BUDGET_MS = 20_000;

export interface CascadeOptions {
  readonly scope: Scope;
  readonly resource: ResourceRef;
  readonly actor: string;
}

export async function deleteAllForResource(
  table: StoreTable,
  { scope, resource, actor }: CascadeOptions,
): Promise<CascadeResult> {
  const deadline = Date.now() + (table.cascadeTimeBudgetMs ?? CASCADE_TIME_BUDGET_MS);
  let deleted = 0;
  // The first batch always runs, so that every request makes progress however small its budget.
  let batches = 0;
  const outOfTime = () => batches > 0 && Date.now() >= deadline;
  for (;;) {
    const before = deleted;
    let nextToken: string | undefined;
    do {
      if (outOfTime()) return { deleted, complete: false };
      const page = await listResourceConnections(table, { scope, resource, query: { limit: PAGE, nextToken } });
      for (let i = 0; i < page.items.length; i += CASCADE_PARALLELISM) {
        if (outOfTime()) return { deleted, complete: false };
        batches++;
        const batch = page.items.slice(i, i + CASCADE_PARALLELISM);
        const results = await Promise.allSettled(
          batch.map((c) => change(table, { scope, id: c.id, actor }, { deleted: false, known: c }, softDelete)),
        );
        for (const result of results) {
          if (result.status === 'fulfilled') deleted++;
          else if (!(result.reason instanceof NotFoundError)) throw result.reason; // already deleted: a stale entry
        }
      }
      nextToken = page.nextToken ?? undefined;
    } while (nextToken);
    // A pass that deleted nothing saw only connections already deleted: none is live.
    if (deleted === before) return { deleted, complete: true };
  }
}
