/**
 * Every route × every kind of caller, with the answer each must get. The rows come from the route
 * table: each route's request is made from its path (a fresh connection for `{connectionId}`), the
 * answer a permitted caller gets is its documented success (functions/docs/endpoint-docs.ts), and
 * who is permitted follows from its scope. Only what a path cannot say is written here (SETUP).
 */
import { describe, expect, it } from 'vitest';
import { ENDPOINT_DOCS } from '../../functions/docs/endpoint-docs.ts';
import { ROUTES, type RouteId } from '../../functions/routes.ts';
import { type Route } from '../../functions/route-table/shape.ts';
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

const THIS_FILE = 'test/api/authorization-matrix.test.ts';

/** What a route's request needs beyond its path. */
interface Setup {
  readonly json?: () => unknown;
  readonly query?: string;
  /** The connection `{connectionId}` names must already be deleted (a restore). */
  readonly deleted?: true;
}

const SETUP: Partial<Record<RouteId, Setup>> = {
  createConnection: { json: appOnServer },
  updateConnection: { json: () => ({ status: 'connecting' }) },
  validateConnection: { json: appOnServer },
  restoreConnection: { deleted: true },
  getGraph: { query: 'resourceType=instance&resourceId=i-1&depth=2' },
};

const createConnection = async (env: string) =>
  (await call('POST', connectionsPath(env), { json: appOnServer() })).body.id as string;

/** A value for each path parameter a route may have. */
const PARAMETERS: Record<string, (env: string, setup: Setup) => string | Promise<string>> = {
  projectSlug: () => project,
  environmentSlug: (env) => env,
  connectionId: async (env, setup) => {
    const id = await createConnection(env);
    if (setup.deleted) await call('DELETE', `${connectionsPath(env)}/${id}`);
    return id;
  },
  resourceType: () => 'instance',
  resourceId: () => 'i-1',
  asset: () => 'topology.js',
};

/** Prepares what the route's request names in a fresh environment, and answers the request. */
async function requestOf(route: Route, env: string): Promise<{ method: string; path: string; options: CallOptions }> {
  // The catch-all answers a method and path no other route has.
  if (route.method === 'ANY') return { method: 'PUT', path: `${connectionsPath(env)}/nothing/here`, options: {} };
  const setup = SETUP[route.id as RouteId] ?? {};
  let path = route.path;
  for (const [placeholder, name] of route.path.matchAll(/\{(\w+)\}/g)) {
    const value = PARAMETERS[name!];
    if (!value) throw new Error(`${THIS_FILE}: no value for {${name}} of ${route.id}: add one to PARAMETERS`);
    path = path.replace(placeholder, await value(env, setup));
  }
  if (setup.query) path += `?${setup.query}`;
  return { method: route.method, path, options: setup.json ? { json: setup.json() } : {} };
}

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
  const cases = ROUTES.flatMap((route) =>
    Object.entries(CALLERS).map(([who, caller]) => [route.id, who, route, caller] as const),
  );
  it.each(cases)('%s with %s', async (_, __, route, caller) => {
    const env = freshEnvironment();
    const { method, path, options } = await requestOf(route, env);
    const allowed = ENDPOINT_DOCS[route.id].success.status;
    const expected = route.scope === null || caller.denied === undefined ? allowed : caller.denied;

    const answer = await call(method, path, { ...options, token: caller.bearer(env, route.scope ?? '') });

    expect(answer.status, answer.text).toBe(expected);
  });
});
