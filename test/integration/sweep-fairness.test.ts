/**
 * The deadline sweep shares each run fairly between projects, as its function runs it: with
 * SWEEP_BATCH_LIMIT=20, one project's 200 due connections do not hold up another project's one
 * connection due a moment later; it is failed by the first run after its deadline, and the flood
 * takes the rest of the run, then the next runs, soonest first.
 */
import { expect, it } from 'vitest';
import type { Connection } from '#model/representations.ts';
import { DEADLINE_SWEEP } from '../../functions/routes.ts';
import { lambdaContext } from '../../local/gateway.ts';
import { freshScope, newRepository } from '../support/integration.ts';

// Read by the sweep's function when it loads, as its deployed configuration would set it.
process.env.SWEEP_BATCH_LIMIT = '20';
const { handler } = await import('../../functions/handlers/sweep-deadlines.ts');
const runSweep = () => handler({}, lambdaContext(DEADLINE_SWEEP.id, undefined, DEADLINE_SWEEP.timeoutSeconds * 1000));
const worker = newRepository();

const make = (scope: ReturnType<typeof freshScope>, n: number) =>
  worker.create({
    scope,
    input: {
      sourceResourceType: 'application',
      sourceResourceId: `app-${n}`,
      targetResourceType: 'instance',
      targetResourceId: 'i-1',
      deadlineSeconds: 5,
    },
    actor: 'platform',
  });

it('fails another project’s connection by the first run after its deadline, whatever one project’s flood', async () => {
  const flooding = freshScope('prod');
  const other = freshScope('prod');
  const flood: Connection[] = [];
  for (let next = 0; next < 200; next += 25)
    flood.push(
      ...(await Promise.all(Array.from({ length: 25 }, (_, i) => make(flooding, next + i)))).map((c) => c.connection),
    );
  const { connection: victim } = await make(other, 0);
  await new Promise((resolve) => setTimeout(resolve, Date.parse(victim.statusDeadline!) - Date.now() + 20));

  const first = await runSweep();

  expect(first).toMatchObject({
    failed: 20,
    errors: 0,
    backlog: 181,
    projects: 2,
    failedByProject: { [flooding.projectSlug]: 19, [other.projectSlug]: 1 },
  });
  expect(await worker.get({ scope: other, id: victim.id })).toMatchObject({
    status: 'failed',
    updatedBy: 'system:deadline',
  });
  // The flood's share of the run was its soonest 19: none left waiting is due before one failed
  // (creates made together may share a deadline to the millisecond, so ties go either way).
  const states = await Promise.all(flood.map((c) => worker.get({ scope: flooding, id: c.id })));
  const failed = states.filter((c) => c.status === 'failed');
  const waiting = states.filter((c) => c.status !== 'failed');
  expect(failed).toHaveLength(19);
  const deadlineOf = new Map(flood.map((c) => [c.id, c.statusDeadline!]));
  const latestFailed = failed
    .map((c) => deadlineOf.get(c.id)!)
    .sort()
    .at(-1)!;
  expect(waiting.every((c) => deadlineOf.get(c.id)! >= latestFailed)).toBe(true);

  const second = await runSweep();
  expect(second).toMatchObject({ failed: 20, backlog: 161, projects: 1 });
});
