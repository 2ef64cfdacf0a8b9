/** The store client's request timeout: 2 s in AWS unless set, and a bad setting stops the start. */
import { describe, expect, it } from 'vitest';
import { requestTimeoutMs } from '#store/client.ts';

describe('requestTimeoutMs', () => {
  it('is 2 s when unset, and what DYNAMODB_REQUEST_TIMEOUT_MS says when set', () => {
    expect(requestTimeoutMs({})).toBe(2000);
    expect(requestTimeoutMs({ DYNAMODB_REQUEST_TIMEOUT_MS: '' })).toBe(2000);
    expect(requestTimeoutMs({ DYNAMODB_REQUEST_TIMEOUT_MS: '10000' })).toBe(10_000);
  });

  it.each(['0', '-5', '1.5', 'soon'])('refuses %j', (value) => {
    expect(() => requestTimeoutMs({ DYNAMODB_REQUEST_TIMEOUT_MS: value })).toThrow(
      'DYNAMODB_REQUEST_TIMEOUT_MS must be a positive integer',
    );
  });
});
