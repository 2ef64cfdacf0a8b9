/**
 * Vitest's own order (failed and slow files first), except for the files that read what the others
 * of their layer did: those go last. In the deployed layer, which runs one file at a time, that
 * makes them run after every other file.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const RUNS_LAST = ['test/deployed/least-privilege.test.ts'];

export class RunsLastSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const last = (file: TestSpecification) => RUNS_LAST.some((path) => file.moduleId.endsWith(path));
    return [...sorted.filter((file) => !last(file)), ...sorted.filter(last)];
  }
}
