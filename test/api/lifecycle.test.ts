/** Validate, history, restore and the cascade delete, over real HTTP. */
import { describe, expect, it } from 'vitest';
import { appOnServer, call, connectionsPath, expectProblem, freshEnvironment, project } from '../support/api.ts';

const resourcesPath = (env: string, type: string, id: string) =>
  `/api/${project}/${env}/resources/${type}/${id}/connections`;

describe('POST /resource-connections/validate', () => {
  it('answers valid for what create would accept, and the problem create would answer otherwise, writing nothing', async () => {
    const env = freshEnvironment();
    const url = `${connectionsPath(env)}/validate`;

    const ok = await call('POST', url, { json: appOnServer() });
    const created = await call('POST', connectionsPath(env), { json: appOnServer() });
    const duplicate = await call('POST', url, { json: appOnServer() });
    const forbiddenPair = await call('POST', url, { json: { ...appOnServer(), targetResourceType: 'firewall' } });
    const badBody = await call('POST', url, { json: { ...appOnServer(), extra: 1 } });
    const notJson = await call('POST', url, { body: '{', headers: { 'content-type': 'application/json' } });

    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ valid: true });
    expect(duplicate.body).toMatchObject({
      valid: false,
      problem: { status: 409, code: 'DUPLICATE_CONNECTION', existingConnectionId: created.body.id },
    });
    expect(forbiddenPair.body).toMatchObject({
      valid: false,
      problem: { status: 422, code: 'CONNECTION_NOT_ALLOWED', allowedTargets: ['instance'] },
    });
    expect(badBody.body).toMatchObject({ valid: false, problem: { status: 400, code: 'VALIDATION_FAILED' } });
    expect(notJson.body).toMatchObject({ valid: false, problem: { status: 400, code: 'INVALID_JSON' } });
    expect((await call('GET', connectionsPath(env))).body.items).toHaveLength(1);
  });
});

describe('GET /resource-connections/{id}/history', () => {
  it('answers every change, oldest first, also after a delete; 404 for an id never used', async () => {
    const env = freshEnvironment();
    const { body: created } = await call('POST', connectionsPath(env), { json: appOnServer() });
    const url = `${connectionsPath(env)}/${created.id}`;
    await call('PATCH', url, { json: { status: 'connecting' } });
    await call('DELETE', url);

    const history = await call('GET', `${url}/history`);

    expect(history.status).toBe(200);
    expect(history.body.nextToken).toBeNull();
    expect(history.body.items.map((h: { version: number; action: string }) => [h.version, h.action])).toEqual([
      [1, 'created'],
      [2, 'updated'],
      [3, 'deleted'],
    ]);
    expect(history.body.items[1]).toMatchObject({
      actor: expect.any(String),
      at: expect.any(String),
      changes: { status: { from: 'pending', to: 'connecting' } },
    });
    expectProblem(await call('GET', `${connectionsPath(env)}/01ARZ3NDEKTSV4RRFFQ69G5FAV/history`), 404, 'NOT_FOUND');
    expectProblem(await call('GET', `${url}/history?includeDeleted=true`), 400, 'VALIDATION_FAILED');
  });
});

describe('POST /resource-connections/{id}/restore', () => {
  it('200 with the connection back as pending; 409 when not deleted or when the pair is taken; 404 for none', async () => {
    const env = freshEnvironment();
    const { body: created } = await call('POST', connectionsPath(env), { json: appOnServer() });
    const url = `${connectionsPath(env)}/${created.id}`;

    expectProblem(await call('POST', `${url}/restore`), 409, 'CONNECTION_NOT_DELETED');
    await call('DELETE', url);
    expectProblem(await call('POST', `${url}/restore`, { headers: { 'if-match': '"1"' } }), 412, 'PRECONDITION_FAILED');
    const restored = await call('POST', `${url}/restore`, { headers: { 'if-match': '"2"' } });
    expect(restored.status).toBe(200);
    expect(restored.headers.get('etag')).toBe('"3"');
    expect(restored.body).toMatchObject({ id: created.id, status: 'pending', version: 3 });
    expect(restored.body).not.toHaveProperty('deletedAt');

    await call('DELETE', url);
    const { body: replacement } = await call('POST', connectionsPath(env), { json: appOnServer() });
    const taken = await call('POST', `${url}/restore`);
    expect(expectProblem(taken, 409, 'DUPLICATE_CONNECTION').existingConnectionId).toBe(replacement.id);
    expectProblem(await call('POST', `${connectionsPath(env)}/01ARZ3NDEKTSV4RRFFQ69G5FAV/restore`), 404, 'NOT_FOUND');
  });
});

describe('DELETE /resources/{type}/{id}/connections', () => {
  it('soft-deletes every live connection of the resource, and a repeat deletes none', async () => {
    const env = freshEnvironment();
    for (let i = 0; i < 7; i++) await call('POST', connectionsPath(env), { json: appOnServer(`app-${i}`, 'web-1') });
    await call('POST', connectionsPath(env), {
      json: {
        sourceResourceType: 'instance',
        sourceResourceId: 'web-1',
        targetResourceType: 'firewall',
        targetResourceId: 'sg-1',
      },
    });
    await call('POST', connectionsPath(env), { json: appOnServer('app-0', 'web-2') });

    const first = await call('DELETE', resourcesPath(env, 'instance', 'web-1'));
    const second = await call('DELETE', resourcesPath(env, 'instance', 'web-1'));

    expect(first.status).toBe(200);
    expect(first.body).toEqual({ deleted: 8, complete: true });
    expect(second.body).toEqual({ deleted: 0, complete: true });
    expect((await call('GET', connectionsPath(env))).body.items).toHaveLength(1);
    expectProblem(await call('DELETE', resourcesPath(env, 'printer', 'p-1')), 400, 'VALIDATION_FAILED');
  });
});
