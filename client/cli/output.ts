/**
 * What the CLI prints: aligned tables (cli-table3; bold headers only on a terminal, never truncated),
 * the API's JSON with --json, problems on stderr, and the documented exit codes. Text that came from
 * the service or the command line is shown with its control and bidi characters escaped, so stored
 * text cannot move the cursor, set the window title, write the clipboard or reorder what is shown.
 */
import Table from 'cli-table3';
import { InvalidRequestError, isApiError, type ApiError } from '../src/index.ts';

/** Exit codes, stable for scripts (docs/cli.md lists them). */
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

// C0 and C1 controls (ESC, BEL, CR, DEL…), line and paragraph separators, and the bidi controls.
const UNSAFE = /[\p{Cc}\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
// What JSON.stringify leaves raw of those: all but C0, which it escapes (the rest is layout).
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const escaped = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Text for a terminal: every control or bidi character as `\u001b`, everything else as it is. */
export const printable = (text: string) => text.replace(UNSAFE, escaped);

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
  grid.push(
    ...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : printable(String(cell))))),
  );
  if (rows.length === 0 && !output.header) return;
  output.out(
    grid
      .toString()
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n'),
  );
}

/**
 * The API's JSON, exactly (it parses to the same value); JSON.stringify leaves DEL, C1 and bidi
 * characters raw, so they are written as \u escapes too, which JSON reads back unchanged.
 */
export const printJson = (output: Output, value: unknown) =>
  output.out(JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, escaped));

/** Prints what went wrong on stderr and returns the exit code it maps to. */
export function reportFailure(output: Output, error: unknown): number {
  const say = (line: string) => output.err(printable(line));
  if (error instanceof UsageError || error instanceof InvalidRequestError) {
    say(`error: ${error.message}`);
    return EXIT.usage;
  }
  if (isApiError(error)) {
    for (const line of problemLines(error)) say(line);
    return exitCodeOfStatus(error.status);
  }
  // fetch fails with a TypeError that has a cause when the network does; a timeout is a TimeoutError.
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || (error instanceof TypeError && error.cause !== undefined)) {
    const cause = error instanceof TypeError ? (error.cause as { code?: string }).code : undefined;
    say(`error: the service cannot be reached: ${(error as Error).message}${cause ? ` (${cause})` : ''}`);
    return EXIT.unavailable;
  }
  say(`error: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT.error;
}

/** A problem as lines: title and detail once each, each invalid field once, then what only its members say. */
function problemLines(error: ApiError): string[] {
  const fields = (error.code === 'VALIDATION_FAILED' && error.errors) || [];
  // The detail of a validation problem repeats its fields, which follow one a line.
  let detail = fields.length > 0 ? '' : error.detail;
  if (detail.toLowerCase().startsWith(`${error.title.toLowerCase()}:`)) detail = detail.slice(error.title.length + 1);
  const lines = [`error: ${error.title}${detail.trim() ? `: ${detail.trim()}` : ''} (${error.code})`];
  for (const e of fields) lines.push(`  ${e.path || '(body)'}: ${e.message}`);
  // What the problem carries that its detail does not say (a problem from an older service may lack it).
  if (error.code === 'DUPLICATE_CONNECTION' && error.existingConnectionId) {
    lines.push(`  existingConnectionId: ${error.existingConnectionId}`);
  }
  if (error.code === 'PRECONDITION_FAILED' && error.currentVersion !== undefined) {
    lines.push(`  currentVersion: ${error.currentVersion}`);
  }
  if (error.requestId) lines.push(`  requestId: ${error.requestId}`);
  return lines;
}

export function exitCodeOfStatus(status: number): number {
  if (status === 404) return EXIT.notFound;
  if (status === 409 || status === 412) return EXIT.conflict;
  if (status === 503 || status === 429) return EXIT.unavailable;
  if (status >= 400 && status < 500) return EXIT.clientError;
  return EXIT.error;
}
