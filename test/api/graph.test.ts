/**
 * GET /graph over real HTTP: pages, filters and tokens bound to them; neighbourhoods in each
 * direction; and the refusals (400 for bad, repeated or uncombinable parameters and foreign tokens,
 * 401, 403).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  canMintTokens,
  connectionsPath,
  expectProblem,
  freshEnvironment,
  project,
  token,
} from '../support/api.ts';

const env = freshEnvironment();
const graphPath = (query = '', environment = env) => `/api/${project}/${environment}/graph${query ? `?${query}` : ''}`;
const ids: Record<string, string> = {};

beforeAll(async () => {
  const create = async (name: string, st: string, sid: string, tt: string, tid: string) => {
    const answer = await call('POST', connectionsPath(env), {
      json: { sourceResourceType: st, sourceResourceId: sid, targetResourceType: tt, targetResourceId: tid },
    });
    if (answer.status !== 201) throw new Error(answer.text);
    ids[name] = answer.body.id;
  };
  // web-1 and web-2 share pg-1 and app-2: a cycle when hops follow connections either way.
  await create('app1', 'application', 'app-1', 'instance', 'web-1');
  await create('app2', 'application', 'app-2', 'instance', 'web-1');
  await create('app2b', 'application', 'app-2', 'instance', 'web-2');
  await create('term', 'terminal', 'ssh-1', 'instance', 'web-1');
  await create('db1', 'instance', 'web-1', 'database', 'pg-1');
  await create('db2', 'instance', 'web-2', 'database', 'pg-1');
  await create('gone', 'instance', 'web-3', 'database', 'pg-1');
  await call('PATCH', `${connectionsPath(env)}/${ids.app1}`, { json: { status: 'connecting' } });
  await call('DELETE', `${connectionsPath(env)}/${ids.gone}`);
});

const names = (edges: { id: string }[]) =>
  edges.map((e) => Object.keys(ids).find((name) => ids[name] === e.id) ?? e.id).sort();

async function graph(query: string) {
  const answer = await call('GET', graphPath(query));
  expect(answer.status, answer.text).toBe(200);
  expect(answer.headers.get('content-type')).toBe('application/json');
  return answer.body as {
    nodes: { key: string; resourceType: string; resourceId: string }[];
    edges: {
      id: string;
      source: string;
      target: string;
      status: string;
      version: number;
      updatedAt: string;
      statusDeadline?: string;
    }[];
    nextToken: string | null;
    truncated: boolean;
  };
}

describe('GET /graph, whole environment', () => {
  it('answers every live edge with the nodes it touches', async () => {
    const body = await graph('');

    expect(names(body.edges)).toEqual(['app1', 'app2', 'app2b', 'db1', 'db2', 'term']);
    expect(body.nextToken).toBeNull();
    expect(body.truncated).toBe(false);
    expect(body.nodes.map((n) => n.key)).toEqual([
      'application/app-1',
      'application/app-2',
      'database/pg-1',
      'instance/web-1',
      'instance/web-2',
      'terminal/ssh-1',
    ]);
    expect(body.nodes[2]).toEqual({ key: 'database/pg-1', resourceType: 'database', resourceId: 'pg-1' });
    const app1 = body.edges.find((e) => e.id === ids.app1)!;
    expect(app1).toEqual({
      id: ids.app1,
      source: 'application/app-1',
      target: 'instance/web-1',
      status: 'connecting',
      version: 2,
      updatedAt: expect.stringMatching(/Z$/),
      statusDeadline: expect.stringMatching(/Z$/),
    });
    // Waiting on a worker since its last change: docs/api.md's default 900 s for `connecting`.
    expect(Date.parse(app1.statusDeadline!) - Date.parse(app1.updatedAt)).toBe(900_000);
  });

  it.each([
    ['status=connecting', ['app1']],
    ['includeDeleted=true', ['app1', 'app2', 'app2b', 'db1', 'db2', 'gone', 'term']],
    ['status=pending&includeDeleted=true', ['app2', 'app2b', 'db1', 'db2', 'gone', 'term']],
  ])('?%s answers exactly the matching edges', async (query, expected) => {
    expect(names((await graph(query)).edges)).toEqual(expected);
  });

  it('pages with limit: each edge once, then a null nextToken', async () => {
    const seen: string[] = [];
    let nextToken: string | null = null;
    let pages = 0;
    do {
      const body = await graph(
        `limit=2&includeDeleted=true${nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : ''}`,
      );
      expect(body.edges.length).toBeLessThanOrEqual(2);
      seen.push(...body.edges.map((e) => e.id));
      nextToken = body.nextToken;
      pages++;
    } while (nextToken);
    expect(names(seen.map((id) => ({ id })))).toEqual(['app1', 'app2', 'app2b', 'db1', 'db2', 'gone', 'term']);
    expect(pages).toBeGreaterThanOrEqual(4);
  });

  it('refuses a token with other filters, in another environment, or altered: 400 INVALID_NEXT_TOKEN', async () => {
    const token = (await graph('limit=1')).nextToken!;
    const t = encodeURIComponent(token);
    const other = freshEnvironment();
    for (const path of [
      graphPath(`nextToken=${t}&status=pending`),
      graphPath(`nextToken=${t}&includeDeleted=true`),
      graphPath(`nextToken=${t}`, other),
      `${connectionsPath(env)}?nextToken=${t}`,
      graphPath(`nextToken=${encodeURIComponent(token.slice(0, -2))}`),
    ]) {
      expectProblem(await call('GET', path), 400, 'INVALID_NEXT_TOKEN');
    }
    expect((await call('GET', graphPath(`nextToken=${t}&limit=1000`))).status).toBe(200);
  });
});

describe('GET /graph, neighbourhood', () => {
  it.each([
    ['resourceType=instance&resourceId=web-1', ['app1', 'app2', 'db1', 'term']],
    ['resourceType=instance&resourceId=web-1&direction=out', ['db1']],
    ['resourceType=instance&resourceId=web-1&direction=in', ['app1', 'app2', 'term']],
    ['resourceType=database&resourceId=pg-1&direction=in&depth=2', ['app1', 'app2', 'app2b', 'db1', 'db2', 'term']],
    ['resourceType=application&resourceId=app-1&direction=out&depth=3', ['app1', 'db1']],
    ['resourceType=application&resourceId=app-1&depth=2', ['app1', 'app2', 'db1', 'term']],
    ['resourceType=application&resourceId=app-1&depth=3', ['app1', 'app2', 'app2b', 'db1', 'db2', 'term']],
    ['resourceType=instance&resourceId=web-3&depth=3', []],
  ])('?%s answers exactly the reachable live edges', async (query, expected) => {
    const body = await graph(query);

    expect(names(body.edges)).toEqual(expected);
    expect(body.nextToken).toBeNull();
    expect(body.truncated).toBe(false);
    expect(body.nodes.map((n) => n.key).sort()).toEqual(
      [...new Set(body.edges.flatMap((e) => [e.source, e.target]))].sort(),
    );
  });
});

describe('GET /graph, refusals', () => {
  it.each([
    ['limit=0', ['limit']],
    ['limit=1001', ['limit']],
    ['status=up', ['status']],
    ['limit=5&limit=6', ['limit']],
    ['resourceType=instance', ['resourceType']],
    ['resourceId=web-1', ['resourceId']],
    ['depth=2', ['depth']],
    ['resourceType=instance&resourceId=web-1&depth=4', ['depth']],
    ['resourceType=instance&resourceId=web-1&direction=sideways', ['direction']],
    ['resourceType=instance&resourceId=web-1&nextToken=abc', ['nextToken']],
    ['resourceType=instance&resourceId=web-1&includeDeleted=true', ['includeDeleted']],
    ['resourceType=server&resourceId=web-1', ['resourceType']],
    ['resourceType=instance&resourceId=a%23b', ['resourceId']],
    ['hops=2', ['hops']],
  ])('?%s is 400 VALIDATION_FAILED naming %j', async (query, fields) => {
    const problem = expectProblem(await call('GET', graphPath(query)), 400, 'VALIDATION_FAILED');
    expect([...new Set(problem.errors.map((e: { path: string }) => e.path))]).toEqual(fields);
  });

  it('is 401 without a token', async () => {
    expectProblem(await call('GET', graphPath(), { token: null }), 401, 'UNAUTHENTICATED');
  });

  it.runIf(canMintTokens)('is 403 for a write-only token or another environment', async () => {
    const writeOnly = token({ scopes: ['connections:write'] });
    expectProblem(await call('GET', graphPath(), { token: writeOnly }), 403, 'FORBIDDEN');
    const elsewhere = token({ projects: [`${project}/other`] });
    expectProblem(await call('GET', graphPath(), { token: elsewhere }), 403, 'FORBIDDEN');
  });
});
