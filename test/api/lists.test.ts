/** Lists over real HTTP: filters, paging, tokens bound to their scope, and the connections of a resource. */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, connectionsPath, expectProblem, freshEnvironment } from '../support/api.ts';

const env = freshEnvironment();
const ids: Record<string, string> = {};

beforeAll(async () => {
  const create = async (name: string, st: string, sid: string, tt: string, tid: string) => {
    const answer = await call('POST', connectionsPath(env), {
      json: { sourceResourceType: st, sourceResourceId: sid, targetResourceType: tt, targetResourceId: tid },
    });
    if (answer.status !== 201) throw new Error(answer.text);
    ids[name] = answer.body.id;
  };
  await create('app1', 'application', 'app-1', 'instance', 'web-1');
  await create('app2', 'application', 'app-2', 'instance', 'web-1');
  await create('term', 'terminal', 'ssh-1', 'instance', 'web-1');
  await create('fw', 'instance', 'web-1', 'firewall', 'sg-1');
  await create('db', 'instance', 'web-1', 'database', 'pg-1');
  await create('gone', 'instance', 'web-2', 'database', 'pg-1');
  await call('PATCH', `${connectionsPath(env)}/${ids.app1}`, { json: { status: 'connecting' } });
  await call('DELETE', `${connectionsPath(env)}/${ids.gone}`);
});

const listIds = async (query: string) => {
  const answer = await call('GET', `${connectionsPath(env)}?${query}`);
  expect(answer.status).toBe(200);
  return (answer.body.items as { id: string }[]).map((c) => c.id).sort();
};
const sorted = (...names: string[]) => names.map((n) => ids[n]).sort();

describe('GET /resource-connections', () => {
  it.each([
    ['', ['app1', 'app2', 'term', 'fw', 'db']],
    ['includeDeleted=true', ['app1', 'app2', 'term', 'fw', 'db', 'gone']],
    ['sourceResourceType=application', ['app1', 'app2']],
    ['sourceResourceType=application&sourceResourceId=app-2', ['app2']],
    ['targetResourceType=instance&targetResourceId=web-1', ['app1', 'app2', 'term']],
    ['status=connecting', ['app1']],
    ['status=pending&targetResourceType=instance', ['app2', 'term']],
    ['sourceResourceType=instance&targetResourceType=database&includeDeleted=true', ['db', 'gone']],
  ])('?%s answers exactly the matching connections', async (query, expected) => {
    expect(await listIds(query)).toEqual(sorted(...expected));
  });

  it('pages with limit: full pages, then a null nextToken', async () => {
    const first = await call('GET', `${connectionsPath(env)}?limit=2`);
    const second = await call(
      'GET',
      `${connectionsPath(env)}?limit=2&nextToken=${encodeURIComponent(first.body.nextToken)}`,
    );
    const third = await call(
      'GET',
      `${connectionsPath(env)}?limit=2&nextToken=${encodeURIComponent(second.body.nextToken)}`,
    );

    expect(first.body.items).toHaveLength(2);
    expect(second.body.items).toHaveLength(2);
    expect(third.body.items).toHaveLength(1);
    expect(third.body.nextToken).toBeNull();
    const all = [...first.body.items, ...second.body.items, ...third.body.items]
      .map((c: { id: string }) => c.id)
      .sort();
    expect(all).toEqual(sorted('app1', 'app2', 'term', 'fw', 'db'));
  });

  it('400 INVALID_NEXT_TOKEN for a token from other filters, another environment, or altered', async () => {
    const { body } = await call('GET', `${connectionsPath(env)}?limit=1`);
    const token = encodeURIComponent(body.nextToken);

    expectProblem(
      await call('GET', `${connectionsPath(env)}?limit=1&status=pending&nextToken=${token}`),
      400,
      'INVALID_NEXT_TOKEN',
    );
    expectProblem(
      await call('GET', `${connectionsPath(freshEnvironment())}?limit=1&nextToken=${token}`),
      400,
      'INVALID_NEXT_TOKEN',
    );
    expectProblem(await call('GET', `${connectionsPath(env)}?limit=1&nextToken=x${token}`), 400, 'INVALID_NEXT_TOKEN');
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['status=done', 'status'],
    ['includeDeleted=yes', 'includeDeleted'],
    ['sourceResourceId=app-1', 'sourceResourceId'],
    ['targetResourceId=web-1', 'targetResourceId'],
    ['color=red', 'color'],
    ['status=pending&status=failed', 'status'],
  ])('400 VALIDATION_FAILED for ?%s, naming %s', async (query, field) => {
    const problem = expectProblem(await call('GET', `${connectionsPath(env)}?${query}`), 400, 'VALIDATION_FAILED');
    expect(problem.errors.map((e: { path: string }) => e.path)).toContain(field);
  });
});

describe('GET /resources/{type}/{id}/connections', () => {
  const resourcePath = (type: string, id: string) =>
    `${connectionsPath(env).replace('/resource-connections', '')}/resources/${type}/${id}/connections`;

  it('answers every live connection where the resource is source or target', async () => {
    const answer = await call('GET', resourcePath('instance', 'web-1'));

    expect(answer.status).toBe(200);
    expect(answer.body.items.map((c: { id: string }) => c.id).sort()).toEqual(
      sorted('app1', 'app2', 'term', 'fw', 'db'),
    );
    expect(answer.body.nextToken).toBeNull();
  });

  it('filters by status, includes deleted ones on request, and pages', async () => {
    expect((await call('GET', `${resourcePath('instance', 'web-1')}?status=connecting`)).body.items).toHaveLength(1);
    expect((await call('GET', `${resourcePath('database', 'pg-1')}?includeDeleted=true`)).body.items).toHaveLength(2);
    const first = await call('GET', `${resourcePath('instance', 'web-1')}?limit=3`);
    const second = await call(
      'GET',
      `${resourcePath('instance', 'web-1')}?limit=3&nextToken=${encodeURIComponent(first.body.nextToken)}`,
    );
    expect([...first.body.items, ...second.body.items].map((c: { id: string }) => c.id).sort()).toEqual(
      sorted('app1', 'app2', 'term', 'fw', 'db'),
    );
    expect(second.body.nextToken).toBeNull();
  });

  it('answers an empty list for a resource with no connections, and 400 for an unknown type', async () => {
    expect((await call('GET', resourcePath('instance', 'nothing'))).body).toEqual({ items: [], nextToken: null });
    expectProblem(await call('GET', resourcePath('printer', 'p-1')), 400, 'VALIDATION_FAILED');
  });
});
