/**
 * A state-machine property: random sequences of PATCHes against DynamoDB Local never leave the
 * transition table, and the version (and the history) grows by exactly one per change.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidStatusTransitionError } from '#model/errors.ts';
import { isTransitionAllowed } from '#domain/rules.ts';
import { STATUSES, type Status } from '#model/vocabulary.ts';
import { freshScope, newRepository } from '../support/integration.ts';

const repo = newRepository();
const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

const patch = fc.record(
  { status: fc.constantFrom(...STATUSES), statusReason: fc.option(fc.string({ maxLength: 8 }), { nil: null }) },
  { requiredKeys: [] },
);

describe('status state machine', () => {
  it('follows the transition table, one version per change', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(patch, { minLength: 1, maxLength: 12 }), async (patches) => {
        const scope = freshScope();
        const { connection } = await repo.create({
          scope,
          input: {
            sourceResourceType: 'terminal',
            sourceResourceId: 't-1',
            targetResourceType: 'instance',
            targetResourceId: 'i-1',
          },
          actor: 'u',
        });
        const model = { status: connection.status as Status, statusReason: null as string | null, version: 1 };

        for (const p of patches) {
          const allowed = p.status === undefined || isTransitionAllowed(model.status, p.status);
          const result = await repo.update({ scope, id: connection.id, patch: p, actor: 'u' }).catch((e: unknown) => e);
          if (!allowed) {
            expect(result).toBeInstanceOf(InvalidStatusTransitionError);
            continue;
          }
          const moves = p.status !== undefined && p.status !== model.status;
          // A move without a reason clears the one before (docs/api.md, PATCH).
          const reason = p.statusReason !== undefined ? p.statusReason : moves ? null : model.statusReason;
          const changes = moves || reason !== model.statusReason;
          model.status = p.status ?? model.status;
          model.statusReason = reason;
          model.version += changes ? 1 : 0;
          expect(result).toMatchObject({ connection: { status: model.status, version: model.version } });
        }

        const stored = await repo.get({ scope, id: connection.id });
        const history = await repo.history({ scope, id: connection.id, query: { limit: 100 } });
        expect(stored).toMatchObject({
          status: model.status,
          statusReason: model.statusReason,
          version: model.version,
        });
        expect(history.items.map((h) => h.version)).toEqual(Array.from({ length: model.version }, (_, i) => i + 1));
      }),
      { numRuns: RUNS },
    );
  });
});
