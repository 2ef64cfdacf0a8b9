/**
 * The store's configuration: the table is required, the paging key only where a function pages; the
 * client's request timeout is 2 s in AWS unless set, and a bad setting stops the start.
 */
import { describe, expect, it } from 'vitest';
import { readConfig, requestTimeoutMs } from '#store/client.ts';
import { openPageToken, sealPageToken } from '#store/paging/page-token.ts';

describe('readConfig', () => {
  it('needs no PAGE_TOKEN_SECRET: only the functions that page are given one', () => {
    const config = readConfig({ TABLE_NAME: 'connections' });
    expect(config).toMatchObject({ tableName: 'connections', pageTokenSecret: undefined });
    expect(readConfig({ TABLE_NAME: 'connections', PAGE_TOKEN_SECRET: 'k' }).pageTokenSecret).toBe('k');
  });

  it('stops a function deployed without its table', () => {
    expect(() => readConfig({ PAGE_TOKEN_SECRET: 'k' })).toThrow('TABLE_NAME');
  });

  it('lets a function without the key neither seal nor open a page token: a deploy bug, not a bad token', () => {
    const missing = 'PAGE_TOKEN_SECRET is not set: this function was not deployed to page';
    expect(() => sealPageToken({ group: 0, after: null }, 'binding', undefined)).toThrow(missing);
    const token = sealPageToken({ group: 0, after: null }, 'binding', 'k');
    expect(() => openPageToken(token, 'binding', undefined)).toThrow(missing);
  });
});

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
