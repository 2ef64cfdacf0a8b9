/**
 * Every route × every kind of caller, with the answer each must get. The table is typed by route
 * id: a route added to the route table without its row here does not compile, and the check below
 * fails at run time too.
 */
import { describe, expect, it } from 'vitest';
import { ROUTES, type RouteId } from '../../functions/routes.ts';
import {
  appOnServer,
  call,
  canMintTokens,
  connectionsPath,
  freshEnvironment,
  project,
  token,
  type CallOptions,
} from '../support/api.ts';

interface Case {
  /** Prepares a fresh target in `env` and answers the request to make. */
  request: (env: string) => Promise<{ method: string; path: string; options?: CallOptions }>;
  /** The answer a caller with the right scope and grant gets. */
  allowed: number;
}

const createConnection = async (env: string) =>
  (await call('POST', connectionsPath(env), { json: appOnServer() })).body.id as string;
const deletedConnection = async (env: string) => {
  const id = await createConnection(env);
  await call('DELETE', `${connectionsPath(env)}/${id}`);
  return id;
};

const MATRIX: Record<RouteId, Case> = {
  createConnection: {
    request: async (env) => ({ method: 'POST', path: connectionsPath(env), options: { json: appOnServer() } }),
    allowed: 201,
  },
  listConnections: { request: async (env) => ({ method: 'GET', path: connectionsPath(env) }), allowed: 200 },
  getConnection: {
    request: async (env) => ({ method: 'GET', path: `${connectionsPath(env)}/${await createConnection(env)}` }),
    allowed: 200,
  },
  updateConnection: {
    request: async (env) => ({
      method: 'PATCH',
      path: `${connectionsPath(env)}/${await createConnection(env)}`,
      options: { json: { status: 'connecting' } },
    }),
    allowed: 200,
  },
  deleteConnection: {
    request: async (env) => ({ method: 'DELETE', path: `${connectionsPath(env)}/${await createConnection(env)}` }),
    allowed: 204,
  },
  listResourceConnections: {
    request: async (env) => ({ method: 'GET', path: `/api/${project}/${env}/resources/instance/i-1/connections` }),
    allowed: 200,
  },
  validateConnection: {
    request: async (env) => ({
      method: 'POST',
      path: `${connectionsPath(env)}/validate`,
      options: { json: appOnServer() },
    }),
    allowed: 200,
  },
  getConnectionHistory: {
    request: async (env) => ({ method: 'GET', path: `${connectionsPath(env)}/${await createConnection(env)}/history` }),
    allowed: 200,
  },
  restoreConnection: {
    request: async (env) => ({
      method: 'POST',
      path: `${connectionsPath(env)}/${await deletedConnection(env)}/restore`,
    }),
    allowed: 200,
  },
  deleteResourceConnections: {
    request: async (env) => ({ method: 'DELETE', path: `/api/${project}/${env}/resources/instance/i-1/connections` }),
    allowed: 200,
  },
  getGraph: {
    request: async (env) => {
      await createConnection(env);
      return { method: 'GET', path: `/api/${project}/${env}/graph?resourceType=instance&resourceId=i-1&depth=2` };
    },
    allowed: 200,
  },
  getHealth: { request: async () => ({ method: 'GET', path: '/health' }), allowed: 200 },
  getOpenApi: { request: async () => ({ method: 'GET', path: '/openapi.json' }), allowed: 200 },
  getConnectionRules: { request: async () => ({ method: 'GET', path: '/connection-rules' }), allowed: 200 },
  getRealtime: { request: async () => ({ method: 'GET', path: '/realtime' }), allowed: 200 },
  getTopology: { request: async () => ({ method: 'GET', path: '/topology' }), allowed: 200 },
  getTopologyAsset: { request: async () => ({ method: 'GET', path: '/topology/topology.js' }), allowed: 200 },
  notFound: { request: async (env) => ({ method: 'PUT', path: `${connectionsPath(env)}/nothing/here` }), allowed: 404 },
};

type Caller = (env: string, scope: string) => string | null;
const CALLERS: Record<string, { bearer: Caller; denied?: number }> = {
  'no token': { bearer: () => null, denied: 401 },
  'an expired token': { bearer: () => token({ ttlSeconds: -60 }), denied: 401 },
  'the other scope': {
    bearer: (_, scope) => token({ scopes: [scope === 'connections:read' ? 'connections:write' : 'connections:read'] }),
    denied: 403,
  },
  'a foreign project': { bearer: (env) => token({ projects: [`${project}-other/${env}`] }), denied: 403 },
  'a foreign environment': { bearer: () => token({ projects: [`${project}/elsewhere`] }), denied: 403 },
  'project/*': { bearer: () => token({ projects: [`${project}/*`] }) },
  'project/environment': { bearer: (env) => token({ projects: [`${project}/${env}`] }) },
  '*': { bearer: () => token({ projects: ['*'] }) },
};

describe.runIf(canMintTokens)('authorization matrix', () => {
  it('has a row for every route in the route table, and no other', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(ROUTES.map((r) => r.id).sort());
  });

  const cases = ROUTES.flatMap((route) =>
    Object.entries(CALLERS).map(([who, caller]) => [route.id, who, route, caller] as const),
  );
  it.each(cases)('%s with %s', async (_, __, route, caller) => {
    const env = freshEnvironment();
    const { method, path, options } = await MATRIX[route.id].request(env);
    const expected = route.scope === null || caller.denied === undefined ? MATRIX[route.id].allowed : caller.denied;

    const answer = await call(method, path, { ...options, token: caller.bearer(env, route.scope ?? '') });

    expect(answer.status, answer.text).toBe(expected);
  });
});
