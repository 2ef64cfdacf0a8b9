/**
 * The cascade: soft-deletes every live connection of a resource, each in its own transaction with
 * its guard and history, a bounded batch at a time. Safe to repeat: a repeat finishes an
 * interrupted run.
 */
import { softDelete } from '../../domain/decisions.ts';
import { NotFoundError } from '../../http/errors.ts';
import type { ResourceRef, Scope } from '../keys.ts';
import { backOff, CONCURRENCY_RETRIES } from '../transactions.ts';
import { change } from './change.ts';
import { listResourceConnections } from './lists.ts';
import type { StoreTable } from './table.ts';

/** Connections deleted at once by a cascade: bounded, so one request never floods the table. */
const CASCADE_PARALLELISM = 25;

export interface CascadeOptions {
  readonly scope: Scope;
  readonly resource: ResourceRef;
  readonly actor: string;
}

export async function deleteAllForResource(
  table: StoreTable,
  { scope, resource, actor }: CascadeOptions,
): Promise<number> {
  let deleted = 0;
  // Indexes trail the table by a moment: a page of already-deleted connections is read again,
  // a few times at most, rather than taken for the end.
  for (let idle = 0; idle < CONCURRENCY_RETRIES;) {
    const { items } = await listResourceConnections(table, {
      scope,
      resource,
      query: { limit: CASCADE_PARALLELISM * 4 },
    });
    if (items.length === 0) break;
    let round = 0;
    for (let i = 0; i < items.length; i += CASCADE_PARALLELISM) {
      const batch = items.slice(i, i + CASCADE_PARALLELISM);
      const results = await Promise.allSettled(
        batch.map((c) => change(table, { scope, id: c.id, actor }, { deleted: false, known: c }, softDelete)),
      );
      for (const result of results) {
        if (result.status === 'fulfilled') round++;
        else if (!(result.reason instanceof NotFoundError)) throw result.reason; // gone meanwhile: fine
      }
    }
    deleted += round;
    idle = round === 0 ? idle + 1 : 0;
    if (idle > 0) await backOff(idle);
  }
  return deleted;
}
