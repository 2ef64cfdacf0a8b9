/** Answers that are not problem documents still reach the caller as problems with the right code. */
import { describe, expect, it } from 'vitest';
import { toProblem } from '../../client/src/errors.ts';

describe('toProblem', () => {
  it('keeps a problem document as it is', () => {
    const problem = {
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      code: 'CONNECTION_NOT_DELETED',
      detail: 'x',
    };
    expect(toProblem(problem, 409)).toBe(problem);
  });

  it.each([
    [401, 'UNAUTHENTICATED', 'Unauthorized'],
    [403, 'FORBIDDEN', 'Forbidden'],
  ])("keeps API Gateway's own %i (a { message } body) as %s, with its message", (status, code, message) => {
    expect(toProblem({ message }, status)).toMatchObject({ status, code, detail: message });
    expect(toProblem(undefined, status)).toMatchObject({ status, code });
  });

  it.each([502, 503, 504, 429])('calls a bare %i the service being unavailable', (status) => {
    expect(toProblem('<html>Bad Gateway</html>', status)).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
  });

  it('calls anything else unexpected (500 INTERNAL)', () => {
    expect(toProblem({ message: 'Internal Server Error' }, 500)).toMatchObject({ status: 500, code: 'INTERNAL' });
  });
});
