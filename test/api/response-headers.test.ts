/**
 * Each answer's headers against the OpenAPI document: every call of the API suite is checked
 * (test/support/api.ts, with test/support/declared-headers.ts), and here each header the service
 * sends is met at least once, where the document must declare it: Location, ETag and
 * Idempotent-Replayed on a create, ETag on a read, WWW-Authenticate on a 401, the topology page's
 * files by their content types, with their ETag and a 304.
 */
import { describe, expect, it } from 'vitest';
import { appOnServer, call, canMintTokens, connectionsPath, freshEnvironment } from '../support/api.ts';

describe('a connection', () => {
  it('created: Location and ETag; repeated with its Idempotency-Key: Idempotent-Replayed', async () => {
    const env = freshEnvironment();
    const headers = { 'idempotency-key': `headers-${env}` };
    const created = await call('POST', connectionsPath(env), { json: appOnServer(), headers });
    const replayed = await call('POST', connectionsPath(env), { json: appOnServer(), headers });

    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${connectionsPath(env)}/${created.body.id}`);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(replayed.status).toBe(201);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
  });

  it('read, patched and refused an empty patch, with the headers each status declares', async () => {
    const env = freshEnvironment();
    const created = await call('POST', connectionsPath(env), { json: appOnServer() });
    const url = `${connectionsPath(env)}/${created.body.id}`;

    expect((await call('GET', url)).headers.get('etag')).toBe('"1"');
    expect((await call('PATCH', url, { json: { status: 'connecting' } })).headers.get('etag')).toBe('"2"');
    expect((await call('PATCH', url, { json: {} })).status).toBe(400);
    expect(
      (await call('POST', connectionsPath(env), { json: appOnServer('a2'), headers: { 'idempotency-key': 'é' } }))
        .status,
    ).toBe(400);
  });
});

it.runIf(canMintTokens)('refused without a token: WWW-Authenticate', async () => {
  const answer = await call('GET', connectionsPath(freshEnvironment()), { token: null });
  expect(answer.status).toBe(401);
  expect(answer.headers.get('www-authenticate')).toBe('Bearer');
});

describe('the topology page', () => {
  it.each([
    ['/topology', 'text/html'],
    ['/topology/topology.js', 'text/javascript'],
    ['/topology/layout-worker.js', 'text/javascript'],
    ['/topology/topology.css', 'text/css'],
  ])('%s as %s, with an ETag, and 304 when If-None-Match names it', async (path, mediaType) => {
    const answer = await call('GET', path, { token: null });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(new RegExp(`^${mediaType};`));
    const etag = answer.headers.get('etag')!;

    const again = await call('GET', path, { token: null, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
  });
});
