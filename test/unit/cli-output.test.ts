/**
 * What the CLI prints, without a server: stored text made harmless for a terminal, --json that
 * parses to exactly the API's value, and each problem said once with what only its members carry.
 */
import { describe, expect, it } from 'vitest';
import { printable, printJson, reportFailure, table, type Output } from '../../client/cli/output.ts';
import { ApiErrorBase, type Problem } from '../../client/src/index.ts';

function capture(json = false) {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { json, header: true, tty: false, out: (t) => out.push(t), err: (t) => err.push(t) };
  return { output, out, err };
}

/** A control character other than the line feeds between lines, DEL, C1, or a bidi or line separator. */
const raw = (text: string) =>
  [...text].some(
    (c) => (c < ' ' && c !== '\n') || (c >= '\u007f' && c <= '\u009f') || '\u202e\u2028\u2066\u2069'.includes(c),
  );

const HOSTILE =
  'a\u001b]0;title\u0007b\u001b]52;c;ZXZpbA==\u0007c\u001b[2Jd\u202eevil\u0085\u009b31m\u007f\u2028\r\n\te';

describe('CLI output', () => {
  it('shows every control and bidi character escaped, and everything else as it is', () => {
    expect(printable(HOSTILE)).toBe(
      'a\\u001b]0;title\\u0007b\\u001b]52;c;ZXZpbA==\\u0007c\\u001b[2Jd\\u202eevil\\u0085\\u009b31m\\u007f\\u2028\\u000d\\u000a\\u0009e',
    );
    expect(printable('naïve 東京 ok 👍🏽 \\u001b')).toBe('naïve 東京 ok 👍🏽 \\u001b');
  });

  it('escapes stored text in every table cell', () => {
    const { output, out } = capture();
    table(output, ['ID', 'REASON'], [['01A', HOSTILE]]);
    expect(raw(out.join('\n'))).toBe(false);
    expect(out.join('\n')).toContain('a\\u001b]0;title');
  });

  it('prints --json that parses to the same value, with no raw control or bidi character', () => {
    const { output, out } = capture(true);
    const value = { statusReason: HOSTILE, nested: { list: ['\u2066x\u2069'] } };
    printJson(output, value);
    expect(JSON.parse(out[0]!)).toEqual(value);
    expect(raw(out[0]!)).toBe(false);
  });

  const fail = (problem: Record<string, unknown>) => {
    const { output, err } = capture();
    const code = reportFailure(
      output,
      new ApiErrorBase(
        { type: 'about:blank', requestId: 'r-1', ...problem } as Problem,
        'createConnection',
        new Headers(),
      ),
    );
    return { code, err };
  };

  it('says the title once when the detail repeats it', () => {
    const { code, err } = fail({
      title: 'Unauthorized',
      status: 401,
      code: 'UNAUTHENTICATED',
      detail: 'Unauthorized: the token is not a JWT.',
    });
    expect([code, err]).toEqual([
      5,
      ['error: Unauthorized: the token is not a JWT. (UNAUTHENTICATED)', '  requestId: r-1'],
    ]);
  });

  it('lists each invalid field once', () => {
    const { code, err } = fail({
      title: 'Bad Request',
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: 'The request is not valid: sourceResourceId: bad; details.n: must be a finite number',
      errors: [
        { path: 'sourceResourceId', message: 'bad' },
        { path: 'details.n', message: 'must be a finite number' },
      ],
    });
    expect([code, err]).toEqual([
      5,
      [
        'error: Bad Request (VALIDATION_FAILED)',
        '  sourceResourceId: bad',
        '  details.n: must be a finite number',
        '  requestId: r-1',
      ],
    ]);
  });

  it('names the existing connection of a duplicate, and the current version of a stale If-Match', () => {
    expect(
      fail({
        title: 'Conflict',
        status: 409,
        code: 'DUPLICATE_CONNECTION',
        detail: 'A live connection already links this source to this target.',
        existingConnectionId: '01EXISTING',
      }).err,
    ).toContain('  existingConnectionId: 01EXISTING');
    const stale = fail({
      title: 'Precondition Failed',
      status: 412,
      code: 'PRECONDITION_FAILED',
      detail: 'If-Match does not match.',
      currentVersion: 3,
    });
    expect([stale.code, stale.err[1]]).toEqual([4, '  currentVersion: 3']);
  });

  it('escapes what a problem says too', () => {
    const { err } = fail({ title: 'Not Found', status: 404, code: 'NOT_FOUND', detail: `No ${HOSTILE} here.` });
    expect(err[0]).toContain('No a\\u001b]0;title');
    expect(err.join('\n')).not.toContain('\u001b');
  });
});
