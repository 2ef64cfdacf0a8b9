/**
 * Least privilege, the other way round: what each function's calls used of its role, recorded by
 * the gates of a test run (each in its own process, each to its own file of one folder), and every
 * grant of a gated service that no call used.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Caller, Use } from './gate.ts';
import { actionMatches, resourceMatches } from './policy.ts';

/** Appends each distinct decision to `<dir>/<file>.jsonl`, at once: a run's gates may live in several processes. */
export function usageRecorder(dir: string, file: string): (use: Use) => void {
  mkdirSync(dir, { recursive: true });
  const seen = new Set<string>();
  return (use) => {
    const line = JSON.stringify(use);
    if (seen.has(line)) return;
    seen.add(line);
    appendFileSync(join(dir, `${file}.jsonl`), `${line}\n`);
  };
}

/** Every decision the gates of a run recorded. */
export function readUsage(dir: string): Use[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean))
    .map((line) => JSON.parse(line) as Use);
}

/**
 * The grants no call used: `<function>: <action> on <resource>`, for every Allow of each caller's
 * role whose action belongs to a gated service (`actionPrefixes`). A grant with a wildcard is used
 * when any call it covers was made.
 */
export function unusedGrants(
  callers: readonly Caller[],
  uses: readonly Use[],
  actionPrefixes: readonly string[],
): string[] {
  const gated = (action: string) => actionPrefixes.some((prefix) => action.toLowerCase().startsWith(`${prefix}:`));
  return callers.flatMap((caller) => {
    const made = uses.filter((use) => use.caller === caller.name && use.allowed);
    return caller.role.statements
      .filter((statement) => statement.effect === 'Allow')
      .flatMap((statement) =>
        statement.actions
          .filter(gated)
          .flatMap((action) =>
            statement.resources
              .filter(
                (resource) =>
                  !made.some((use) => actionMatches(action, use.action) && resourceMatches(resource, use.resource)),
              )
              .map((resource) => `${caller.name}: ${action} on ${resource}`),
          ),
      );
  });
}

/** The calls a gate refused: `<function>: <action> on <resource>`. */
export const refusedCalls = (uses: readonly Use[]): string[] => [
  ...new Set(uses.filter((use) => !use.allowed).map((use) => `${use.caller}: ${use.action} on ${use.resource}`)),
];
