/** Authentication and authorization over real HTTP: 401 and 403 before any data is read or written. */
import { describe, expect, it } from 'vitest';
import {
  appOnServer,
  call,
  canMintTokens,
  connectionsPath,
  expectProblem,
  freshEnvironment,
  project,
  token,
} from '../support/api.ts';

describe('authentication', () => {
  it.each([
    ['no token', null],
    ['a token that is not a JWT', 'not-a-jwt'],
  ])('401 UNAUTHENTICATED with %s', async (_, bearer) => {
    const answer = await call('GET', connectionsPath(freshEnvironment()), { token: bearer });

    // In AWS, API Gateway's JWT authorizer answers this one itself, in its own format (docs/api.md, Errors).
    if (canMintTokens) expectProblem(answer, 401, 'UNAUTHENTICATED');
    else expect(answer.status).toBe(401);
  });
});

describe.runIf(canMintTokens)('authorization (tokens minted locally)', () => {
  it('401 for an expired token and for a token signed with another secret', async () => {
    const expired = token({ ttlSeconds: -10 });
    const [header, payload] = token().split('.');

    expectProblem(await call('GET', connectionsPath(freshEnvironment()), { token: expired }), 401, 'UNAUTHENTICATED');
    expectProblem(
      await call('GET', connectionsPath(freshEnvironment()), { token: `${header}.${payload}.AAAA` }),
      401,
      'UNAUTHENTICATED',
    );
  });

  it('403 FORBIDDEN without the scope a route needs, and nothing is written', async () => {
    const env = freshEnvironment();
    const readOnly = token({ scopes: ['connections:read'] });
    const writeOnly = token({ scopes: ['connections:write'] });

    expectProblem(await call('POST', connectionsPath(env), { token: readOnly, json: appOnServer() }), 403, 'FORBIDDEN');
    expectProblem(await call('GET', connectionsPath(env), { token: writeOnly }), 403, 'FORBIDDEN');
    expect((await call('GET', connectionsPath(env))).body.items).toEqual([]);
  });

  it('403 for a project or environment the token is not granted; the grant forms */p/* /p/e work', async () => {
    const env = freshEnvironment();
    const created = await call('POST', connectionsPath(env), { json: appOnServer() });
    const url = `${connectionsPath(env)}/${created.body.id}`;

    expectProblem(await call('GET', url, { token: token({ projects: [`${project}/other`] }) }), 403, 'FORBIDDEN');
    expectProblem(await call('GET', url, { token: token({ projects: ['otherproject/*'] }) }), 403, 'FORBIDDEN');
    expectProblem(await call('GET', url, { token: token({ projects: [`${project}x/*`] }) }), 403, 'FORBIDDEN');
    for (const grant of ['*', `${project}/*`, `${project}/${env}`]) {
      expect((await call('GET', url, { token: token({ projects: [grant] }) })).status).toBe(200);
    }
  });

  it("403 FORBIDDEN for a subject that begins with system: (the service's own), on reads and writes, and nothing is written", async () => {
    const env = freshEnvironment();
    const created = await call('POST', connectionsPath(env), { json: appOnServer() });
    const url = `${connectionsPath(env)}/${created.body.id}`;
    const asSweep = token({ subject: 'system:deadline' });

    expectProblem(await call('PATCH', url, { token: asSweep, json: { status: 'failed' } }), 403, 'FORBIDDEN');
    expectProblem(
      await call('POST', connectionsPath(env), { token: asSweep, json: appOnServer('app-2') }),
      403,
      'FORBIDDEN',
    );
    expectProblem(await call('GET', url, { token: token({ subject: 'system:other' }) }), 403, 'FORBIDDEN');
    const after = await call('GET', connectionsPath(env));
    expect(after.body.items).toMatchObject([{ id: created.body.id, status: 'pending', version: 1 }]);
  });

  it('records the token subject as createdBy and updatedBy', async () => {
    const env = freshEnvironment();

    const created = await call('POST', connectionsPath(env), {
      token: token({ subject: 'alice' }),
      json: appOnServer(),
    });
    const updated = await call('PATCH', `${connectionsPath(env)}/${created.body.id}`, {
      token: token({ subject: 'bob' }),
      json: { status: 'connecting' },
    });

    expect(updated.body).toMatchObject({ createdBy: 'alice', updatedBy: 'bob' });
  });
});

describe('isolation', () => {
  it('never shows one environment the connections of another', async () => {
    const [a, b] = [freshEnvironment(), freshEnvironment()];
    await call('POST', connectionsPath(a), { json: appOnServer() });

    const fromB = await call('GET', connectionsPath(b));
    const resourceFromB = await call('GET', `/api/${project}/${b}/resources/instance/i-1/connections`);

    expect(fromB.body.items).toEqual([]);
    expect(resourceFromB.body.items).toEqual([]);
    expect((await call('POST', connectionsPath(b), { json: appOnServer() })).status).toBe(201);
  });
});
