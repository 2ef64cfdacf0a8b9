/** The connection routes over real HTTP: every success and refusal the contract names. */
import { describe, expect, it } from 'vitest';
import { appOnServer, call, connectionsPath, expectProblem, freshEnvironment, project } from '../support/api.ts';
import { LIVE_CONNECTION_FIELDS } from '../../testkit/connections.ts';

const CONNECTION_FIELDS = [...LIVE_CONNECTION_FIELDS].sort();

describe('POST /resource-connections', () => {
  it('201: creates a pending connection with Location and ETag, showing no storage keys', async () => {
    const env = freshEnvironment();

    const answer = await call('POST', connectionsPath(env), { json: { ...appOnServer(), details: { port: 8080 } } });

    expect(answer.status).toBe(201);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.headers.get('location')).toBe(`/api/${project}/${env}/resource-connections/${answer.body.id}`);
    expect(answer.headers.get('etag')).toBe('"1"');
    expect(Object.keys(answer.body).sort()).toEqual(CONNECTION_FIELDS);
    expect(answer.body).toMatchObject({ status: 'pending', statusReason: null, version: 1, details: { port: 8080 } });
    expect(answer.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('409 DUPLICATE_CONNECTION names the existing connection', async () => {
    const env = freshEnvironment();
    const first = await call('POST', connectionsPath(env), { json: appOnServer() });

    const second = await call('POST', connectionsPath(env), { json: appOnServer() });

    expect(expectProblem(second, 409, 'DUPLICATE_CONNECTION').existingConnectionId).toBe(first.body.id);
  });

  it('422 CONNECTION_NOT_ALLOWED lists the allowed targets', async () => {
    const answer = await call('POST', connectionsPath(freshEnvironment()), {
      json: { ...appOnServer(), targetResourceType: 'database' },
    });

    expect(expectProblem(answer, 422, 'CONNECTION_NOT_ALLOWED').allowedTargets).toEqual(['instance']);
  });

  it.each([
    ['an unknown field', { ...appOnServer(), color: 'red' }, 'color'],
    [
      'a missing field',
      { sourceResourceType: 'application', sourceResourceId: 'a', targetResourceType: 'instance' },
      'targetResourceId',
    ],
    ['an unknown type', { ...appOnServer(), sourceResourceType: 'printer' }, 'sourceResourceType'],
    ['an id with a key delimiter', { ...appOnServer(), sourceResourceId: 'a#b' }, 'sourceResourceId'],
    ['an id with a slash', { ...appOnServer(), targetResourceId: 'i/1' }, 'targetResourceId'],
    ['details that are not an object', { ...appOnServer(), details: [1] }, 'details'],
    ['details over 4 KiB', { ...appOnServer(), details: { blob: 'x'.repeat(4100) } }, 'details'],
  ])('400 VALIDATION_FAILED for %s, naming the field', async (_, json, field) => {
    const answer = await call('POST', connectionsPath(freshEnvironment()), { json });

    const problem = expectProblem(answer, 400, 'VALIDATION_FAILED');
    expect(problem.errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it('400 VALIDATION_FAILED for a body that is not an object', async () => {
    expectProblem(
      await call('POST', connectionsPath(freshEnvironment()), { json: [appOnServer()] }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('400 INVALID_JSON for a body that does not parse', async () => {
    const answer = await call('POST', connectionsPath(freshEnvironment()), {
      body: '{"sourceResourceType":',
      headers: { 'content-type': 'application/json' },
    });

    expectProblem(answer, 400, 'INVALID_JSON');
  });

  it('415 UNSUPPORTED_MEDIA_TYPE for a body that is not JSON by its content type', async () => {
    const answer = await call('POST', connectionsPath(freshEnvironment()), {
      body: JSON.stringify(appOnServer()),
      headers: { 'content-type': 'text/plain' },
    });

    expectProblem(answer, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('413 PAYLOAD_TOO_LARGE for a body over 16 KiB', async () => {
    const answer = await call('POST', connectionsPath(freshEnvironment()), {
      json: { ...appOnServer(), details: { blob: 'x'.repeat(17 * 1024) } },
    });

    expectProblem(answer, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('400 for a bad project slug in the path', async () => {
    expectProblem(
      await call('POST', connectionsPath('prod', 'Bad_Slug'), { json: appOnServer() }),
      400,
      'VALIDATION_FAILED',
    );
  });
});

describe('GET /resource-connections/{id}', () => {
  it('200 with the connection and its ETag; 404 from another environment', async () => {
    const env = freshEnvironment();
    const created = await call('POST', connectionsPath(env), { json: appOnServer() });

    const got = await call('GET', `${connectionsPath(env)}/${created.body.id}`);
    const elsewhere = await call('GET', `${connectionsPath(freshEnvironment())}/${created.body.id}`);

    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);
    expect(got.headers.get('etag')).toBe('"1"');
    expectProblem(elsewhere, 404, 'NOT_FOUND');
  });

  it('400 for an id that cannot be a connection id, 404 for one that does not exist', async () => {
    const env = freshEnvironment();

    expectProblem(await call('GET', `${connectionsPath(env)}/not-an-id`), 400, 'VALIDATION_FAILED');
    expectProblem(await call('GET', `${connectionsPath(env)}/01ARZ3NDEKTSV4RRFFQ69G5FAV`), 404, 'NOT_FOUND');
  });
});

describe('PATCH /resource-connections/{id}', () => {
  it('200: moves the status and merges details, with the new ETag', async () => {
    const env = freshEnvironment();
    const created = await call('POST', connectionsPath(env), { json: { ...appOnServer(), details: { a: 1, b: 2 } } });
    const url = `${connectionsPath(env)}/${created.body.id}`;

    const answer = await call('PATCH', url, {
      json: { status: 'connecting', statusReason: 'provisioning', details: { a: null, c: 3 } },
      headers: { 'content-type': 'application/merge-patch+json' },
    });

    expect(answer.status).toBe(200);
    expect(answer.headers.get('etag')).toBe('"2"');
    expect(answer.body).toMatchObject({
      status: 'connecting',
      statusReason: 'provisioning',
      details: { b: 2, c: 3 },
      version: 2,
    });
  });

  it('200 without a new version when the status is set to the value it has', async () => {
    const env = freshEnvironment();
    const created = await call('POST', connectionsPath(env), { json: appOnServer() });

    const answer = await call('PATCH', `${connectionsPath(env)}/${created.body.id}`, { json: { status: 'pending' } });

    expect(answer.status).toBe(200);
    expect(answer.body.version).toBe(1);
  });

  it('200: statusReason explains the status it came with: a move without one clears it', async () => {
    const env = freshEnvironment();
    const created = await call('POST', connectionsPath(env), { json: appOnServer() });
    const url = `${connectionsPath(env)}/${created.body.id}`;
    const patch = async (json: object) => {
      const answer = await call('PATCH', url, { json });
      expect(answer.status, JSON.stringify(json)).toBe(200);
      return [answer.body.status, answer.body.statusReason, answer.body.version];
    };

    expect(await patch({ status: 'connecting', statusReason: 'provisioning' })).toEqual([
      'connecting',
      'provisioning',
      2,
    ]);
    // The status it has, without a reason: a no-op that succeeds and keeps the reason.
    expect(await patch({ status: 'connecting' })).toEqual(['connecting', 'provisioning', 2]);
    expect(await patch({ details: { step: 'dns' } })).toEqual(['connecting', 'provisioning', 3]);
    expect(await patch({ statusReason: 'waiting for dns' })).toEqual(['connecting', 'waiting for dns', 4]);
    expect(await patch({ status: 'connected' })).toEqual(['connected', null, 5]);
    expect(await patch({ status: 'failed', statusReason: 'link down' })).toEqual(['failed', 'link down', 6]);

    const history = (await call('GET', `${url}/history`)).body.items;
    expect(history.at(-2).changes.statusReason).toEqual({ from: 'waiting for dns', to: null });
  });

  it('409 INVALID_STATUS_TRANSITION with from, to and allowed', async () => {
    const env = freshEnvironment();
    const created = await call('POST', connectionsPath(env), { json: appOnServer() });

    const answer = await call('PATCH', `${connectionsPath(env)}/${created.body.id}`, { json: { status: 'connected' } });

    expect(expectProblem(answer, 409, 'INVALID_STATUS_TRANSITION')).toMatchObject({
      from: 'pending',
      to: 'connected',
      allowed: ['connecting', 'failed', 'disconnected'],
    });
  });

  it('412 PRECONDITION_FAILED when If-Match is stale, changing nothing', async () => {
    const env = freshEnvironment();
    const created = await call('POST', connectionsPath(env), { json: appOnServer() });
    const url = `${connectionsPath(env)}/${created.body.id}`;
    await call('PATCH', url, { json: { statusReason: 'first' }, headers: { 'if-match': '"1"' } });

    const stale = await call('PATCH', url, { json: { statusReason: 'second' }, headers: { 'if-match': '"1"' } });

    expectProblem(stale, 412, 'PRECONDITION_FAILED');
    expect((await call('GET', url)).body).toMatchObject({ statusReason: 'first', version: 2 });
  });

  it.each([
    ['an empty object', {}],
    ['a field that cannot change', { sourceResourceId: 'other' }],
    ['a version', { version: 9 }],
    ['an unknown status', { status: 'done' }],
    ['a reason over 1024 characters', { statusReason: 'x'.repeat(1025) }],
  ])('400 VALIDATION_FAILED for %s', async (_, json) => {
    const env = freshEnvironment();
    const created = await call('POST', connectionsPath(env), { json: appOnServer() });

    expectProblem(
      await call('PATCH', `${connectionsPath(env)}/${created.body.id}`, { json }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('404 for a connection that does not exist', async () => {
    const answer = await call('PATCH', `${connectionsPath(freshEnvironment())}/01ARZ3NDEKTSV4RRFFQ69G5FAV`, {
      json: { status: 'failed' },
    });

    expectProblem(answer, 404, 'NOT_FOUND');
  });
});

describe('DELETE /resource-connections/{id}', () => {
  it('204, then hidden (404) unless includeDeleted, then 404 on a second delete; the pair can connect again', async () => {
    const env = freshEnvironment();
    const created = await call('POST', connectionsPath(env), { json: appOnServer() });
    const url = `${connectionsPath(env)}/${created.body.id}`;

    const deleted = await call('DELETE', url);

    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expectProblem(await call('GET', url), 404, 'NOT_FOUND');
    const kept = await call('GET', `${url}?includeDeleted=true`);
    expect(kept.body).toMatchObject({ id: created.body.id, version: 2, deletedAt: expect.any(String) });
    expectProblem(await call('DELETE', url), 404, 'NOT_FOUND');
    expect((await call('POST', connectionsPath(env), { json: appOnServer() })).status).toBe(201);
  });

  it('412 when If-Match is stale', async () => {
    const env = freshEnvironment();
    const created = await call('POST', connectionsPath(env), { json: appOnServer() });

    const answer = await call('DELETE', `${connectionsPath(env)}/${created.body.id}`, {
      headers: { 'if-match': '"5"' },
    });

    expectProblem(answer, 412, 'PRECONDITION_FAILED');
  });
});

describe('routes', () => {
  it('404 NOT_FOUND as problem+json for a path that matches no route', async () => {
    expectProblem(await call('GET', `/api/${project}/x/nothing-here`), 404, 'NOT_FOUND');
  });
});
