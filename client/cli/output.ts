/**
 * What the CLI prints: aligned tables (cli-table3; bold headers only on a terminal, never truncated),
 * the API's JSON with --json, problems on stderr, and the documented exit codes.
 */
import Table from 'cli-table3';
import { isApiError } from '../src/index.ts';

/** Exit codes, stable for scripts (see the README). */
export const EXIT = {
  ok: 0,
  /** Anything unexpected: a 500, a bug, an answer that is not the API's. */
  error: 1,
  /** The command line is wrong (unknown command or option, a bad argument): nothing was sent. */
  usage: 2,
  notFound: 3,
  /** 409 and 412: a duplicate, a status move the rules refuse, a stale If-Match, not deleted. */
  conflict: 4,
  /** Any other 4xx: validation, authentication, authorization, a pair the rules forbid. */
  clientError: 5,
  /** 503 or 429 after every retry, a timeout, or the service cannot be reached. */
  unavailable: 6,
  /** `wait`: the connection reached `failed`. */
  waitFailed: 7,
  /** `wait`: neither `connected` nor `failed` before --timeout. */
  waitTimedOut: 8,
} as const;

/** A mistake on the command line, found before anything was sent. */
export class UsageError extends Error {}

export interface Output {
  readonly json: boolean;
  readonly header: boolean;
  readonly tty: boolean;
  out(text: string): void;
  err(text: string): void;
}

export function table(output: Output, head: string[], rows: (string | number | null | undefined)[][]): void {
  if (output.json) throw new Error('table() in --json mode');
  const grid = new Table({
    head: output.header ? head : [],
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '  ',
    },
    style: { 'padding-left': 0, 'padding-right': 0, head: output.tty ? ['bold'] : [], border: [], compact: true },
  });
  grid.push(...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : String(cell)))));
  if (rows.length === 0 && !output.header) return;
  output.out(
    grid
      .toString()
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n'),
  );
}

export const printJson = (output: Output, value: unknown) => output.out(JSON.stringify(value, null, 2));

/** Prints what went wrong on stderr and returns the exit code it maps to. */
export function reportFailure(output: Output, error: unknown): number {
  if (error instanceof UsageError) {
    output.err(`error: ${error.message}`);
    return EXIT.usage;
  }
  if (isApiError(error)) {
    output.err(`error: ${error.title}: ${error.detail} (${error.code})`);
    if (error.code === 'VALIDATION_FAILED')
      for (const e of error.errors) output.err(`  ${e.path || '(body)'}: ${e.message}`);
    if (error.requestId) output.err(`  requestId: ${error.requestId}`);
    return exitCodeOfStatus(error.status);
  }
  // fetch fails with a TypeError that has a cause when the network does; a timeout is a TimeoutError.
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || (error instanceof TypeError && error.cause !== undefined)) {
    const cause = error instanceof TypeError ? (error.cause as { code?: string }).code : undefined;
    output.err(`error: the service cannot be reached: ${(error as Error).message}${cause ? ` (${cause})` : ''}`);
    return EXIT.unavailable;
  }
  output.err(`error: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT.error;
}

export function exitCodeOfStatus(status: number): number {
  if (status === 404) return EXIT.notFound;
  if (status === 409 || status === 412) return EXIT.conflict;
  if (status === 503 || status === 429) return EXIT.unavailable;
  if (status >= 400 && status < 500) return EXIT.clientError;
  return EXIT.error;
}
