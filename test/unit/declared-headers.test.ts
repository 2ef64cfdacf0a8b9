/**
 * The API suite's check of each answer against the OpenAPI document (test/support/declared-headers.ts)
 * finds what is not declared: a service header on an operation and status that do not declare it,
 * and a content type the status does not list; it leaves HTTP's own headers alone.
 */
import { describe, expect, it } from 'vitest';
import { undeclared } from '../support/declared-headers.ts';

const CREATE = ['POST', '/api/acme/prod/resource-connections'] as const;
const GET = ['GET', '/api/acme/prod/resource-connections/01JD3Y6Q9K6V7Z5N8M2C4B1A0E'] as const;
const json = { 'content-type': 'application/json', 'cache-control': 'no-store', date: 'x', 'content-length': '2' };

describe('undeclared', () => {
  it('passes the headers the operation declares for the status, and HTTP’s own', () => {
    const created = new Headers({ ...json, location: '/x', etag: '"1"', 'idempotent-replayed': 'true' });
    expect(undeclared(...CREATE, 201, created)).toEqual([]);
    expect(undeclared(...GET, 200, new Headers({ ...json, etag: '"1"' }))).toEqual([]);
    expect(
      undeclared(
        'GET',
        '/topology/topology.css',
        200,
        new Headers({ 'content-type': 'text/css; charset=utf-8', etag: '"a"' }),
      ),
    ).toEqual([]);
  });

  it('names a service header the operation does not declare for that status', () => {
    expect(undeclared(...GET, 200, new Headers({ ...json, etag: '"1"', location: '/x' }))).toEqual(['location']);
    expect(undeclared(...GET, 200, new Headers({ ...json, 'retry-after': '1', 'x-debug': '1' }))).toEqual([
      'retry-after',
      'x-debug',
    ]);
    expect(
      undeclared(
        ...CREATE,
        400,
        new Headers({ 'content-type': 'application/problem+json', 'idempotent-replayed': 'true' }),
      ),
    ).toEqual(['idempotent-replayed']);
  });

  it('names a content type, or a status, the operation does not list', () => {
    expect(undeclared('GET', '/topology/topology.js', 200, new Headers({ 'content-type': 'image/png' }))).toEqual([
      'content-type image/png',
    ]);
    expect(undeclared(...GET, 418, new Headers({ 'content-type': 'application/problem+json' }))).toEqual([
      'content-type application/problem+json',
    ]);
  });
});
