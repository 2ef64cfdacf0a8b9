/**
 * `npm run bench:sweep`, fairness: one project's flood of due connections and a few other
 * projects' connections due just after it, made through the service's own create on a table of
 * their own, then swept run after run (the sweep told the time, so nobody waits for deadlines) until
 * nothing is due. For each run: what it failed of each project, what it left, its Queries and time;
 * and in which run each other project's connections were all failed.
 */
import { DuplicateConnectionError, ServiceUnavailableError } from '#model/errors.ts';
import type { Scope } from '#model/vocabulary.ts';
import { isDatabaseUnavailable } from '#store/database-errors.ts';
import { sweepDeadlines } from '#store/patterns/deadlines.ts';
import type { StoreTable } from '#store/patterns/table.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { ms, table } from './report.ts';

export interface FairnessScenario {
  readonly name: string;
  /** Due connections one run takes at most (SWEEP_BATCH_LIMIT). */
  readonly limit: number;
  /** The flooding project's due connections, made first. */
  readonly flood: number;
  /** Other projects, and the due connections of each, made after the flood. */
  readonly others: number;
  readonly perOther: number;
}

export interface FairnessRun {
  readonly failed: Readonly<Record<string, number>>;
  readonly backlog: number;
  readonly queries: number;
  /** Connections the run could not change (a stalled database); they stay due for the next. */
  readonly errors: number;
  readonly ms: number;
}

export interface FairnessResult {
  readonly scenario: FairnessScenario;
  readonly runs: readonly FairnessRun[];
  /** The run (1-based) by which every other project's due connections were failed. */
  readonly othersDoneBy: number;
  /** The run by which the flood was. */
  readonly floodDoneBy: number;
}

const MAKERS = 16;

export async function measureFairness(table: StoreTable, scenario: FairnessScenario): Promise<FairnessResult> {
  const repo = new ConnectionRepository(table);
  const projects = ['flood', ...Array.from({ length: scenario.others }, (_, i) => `other-${i + 1}`)];
  const tag = `${scenario.name.replace(/[^a-z0-9]+/g, '-')}-${Date.now().toString(36)}`;
  const scopeOf = (project: string): Scope => ({ projectSlug: `${project}-${tag}`, environmentSlug: 'prod' });
  const make = async (project: string, count: number): Promise<string[]> => {
    const deadlines: string[] = [];
    let next = 0;
    const maker = async () => {
      while (next < count) {
        const n = next++;
        const scope = scopeOf(project);
        const input = {
          sourceResourceType: 'application',
          sourceResourceId: `app-${n}`,
          targetResourceType: 'instance',
          targetResourceId: `i-${Math.floor(n / 4)}`,
          deadlineSeconds: 5,
        } as const;
        // DynamoDB Local stalls on a busy machine: a create that timed out is tried again, and one
        // that had committed after all is found by its pair.
        for (let attempt = 1; ; attempt++) {
          try {
            deadlines.push((await repo.create({ scope, input, actor: 'platform' })).connection.statusDeadline!);
            break;
          } catch (error) {
            if (error instanceof DuplicateConnectionError) {
              const id = error.existingConnectionId;
              deadlines.push((await repo.get({ scope, id })).statusDeadline!);
              break;
            }
            if (attempt >= 5 || !(error instanceof ServiceUnavailableError || isDatabaseUnavailable(error)))
              throw error;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: MAKERS }, maker));
    return deadlines;
  };
  const made = [await make('flood', scenario.flood)];
  for (const project of projects.slice(1)) made.push(await make(project, scenario.perOther));
  // Just after the last deadline: everything is due, the others' a little after the flood's.
  const now = new Date(Math.max(...made.flat().map((d) => Date.parse(d))) + 1000).toISOString();

  const runs: FairnessRun[] = [];
  const doneBy = (project: string, count: number) =>
    runs.findIndex((_, i) => failedIn(runs.slice(0, i + 1), project) >= count) + 1;
  for (let backlog = Infinity; backlog > 0 && runs.length < 1000;) {
    const started = performance.now();
    // A run that meets a stalled database reports errors, or fails outright while it looks for due
    // work; the next resumes, as in AWS.
    const result = await sweepDeadlines(table, { now, limit: scenario.limit }).catch((error: unknown) => {
      if (!isDatabaseUnavailable(error)) throw error;
      return { failedByProject: {}, backlog: runs.at(-1)?.backlog ?? 0, queries: 0, errors: 1 };
    });
    const failed = Object.fromEntries(
      Object.entries(result.failedByProject).map(([slug, n]) => [slug.slice(0, -tag.length - 1), n]),
    );
    runs.push({
      failed,
      backlog: result.backlog,
      queries: result.queries,
      errors: result.errors,
      ms: performance.now() - started,
    });
    backlog = result.backlog + result.errors;
  }
  const expected = projects.map(
    (project, i) => failedIn(runs, project) === (i === 0 ? scenario.flood : scenario.perOther),
  );
  if (!expected.every(Boolean)) throw new Error(`fairness ${scenario.name}: not every due connection was failed once`);
  return {
    scenario,
    runs,
    othersDoneBy: Math.max(...projects.slice(1).map((project) => doneBy(project, scenario.perOther))),
    floodDoneBy: doneBy('flood', scenario.flood),
  };
}

const failedIn = (runs: readonly FairnessRun[], project: string): number =>
  runs.reduce((total, run) => total + (run.failed[project] ?? 0), 0);

export function fairnessReport({ scenario, runs, othersDoneBy, floodDoneBy }: FairnessResult): string {
  const projects = ['flood', ...Array.from({ length: scenario.others }, (_, i) => `other-${i + 1}`)];
  const shown = runs.length > 6 ? [...runs.slice(0, 5), runs.at(-1)!] : runs;
  return [
    `#### Fairness, ${scenario.name}`,
    table(
      ['run', ...projects.map((p) => `failed: ${p}`), 'backlog after', 'errors', 'Queries', 'ms (wall clock)'],
      shown.map((run) => [
        runs.indexOf(run) + 1,
        ...projects.map((p) => run.failed[p] ?? 0),
        run.backlog,
        run.errors,
        run.queries,
        ms(run.ms),
      ]),
    ),
    `The other projects' connections were all failed by run ${othersDoneBy}; the flood's by run ${floodDoneBy}${runs.length > 6 ? ` (runs 6 to ${runs.length - 1} not shown)` : ''}.`,
  ].join('\n\n');
}
