import { describe, expect, it } from 'vitest';
import { ROUTES, touchesTable, writes } from '../../functions/routes.ts';

const BASE = '/api/{projectSlug}/{environmentSlug}';

// Every endpoint of the contract (api-contract.md, section 5) with the scope section 7 gives it.
const CONTRACT_ENDPOINTS = [
  ['POST', `${BASE}/resource-connections`, 'connections:write'],
  ['GET', `${BASE}/resource-connections`, 'connections:read'],
  ['GET', `${BASE}/resource-connections/{connectionId}`, 'connections:read'],
  ['PATCH', `${BASE}/resource-connections/{connectionId}`, 'connections:write'],
  ['DELETE', `${BASE}/resource-connections/{connectionId}`, 'connections:write'],
  ['GET', `${BASE}/resources/{resourceType}/{resourceId}/connections`, 'connections:read'],
  ['POST', `${BASE}/resource-connections/validate`, 'connections:read'],
  ['GET', `${BASE}/resource-connections/{connectionId}/history`, 'connections:read'],
  ['POST', `${BASE}/resource-connections/{connectionId}/restore`, 'connections:write'],
  ['DELETE', `${BASE}/resources/{resourceType}/{resourceId}/connections`, 'connections:write'],
  ['GET', `${BASE}/graph`, 'connections:read'],
  ['GET', '/health', null],
  ['GET', '/openapi.json', null],
  ['GET', '/connection-rules', null],
  // docs/api.md, Watching changes: clients discover the real-time endpoint from the service itself.
  ['GET', '/realtime', null],
  // Contract §5 "GET /topology": a public page, and the files it loads (its CSP allows no inline code).
  ['GET', '/topology', null],
  ['GET', '/topology/{asset}', null],
  // Contract §6: "any path that matches no route" is a 404 problem, from the catch-all.
  ['ANY', '$default', null],
] as const;

describe('the route table', () => {
  it.each(CONTRACT_ENDPOINTS)('serves the contract endpoint %s %s with scope %s', (method, path, scope) => {
    const route = ROUTES.find((r) => r.method === method && r.path === path);

    expect(route, `${method} ${path} is missing`).toBeDefined();
    expect(route?.scope).toBe(scope);
  });

  it('serves nothing the contract does not name', () => {
    const contract = new Set(CONTRACT_ENDPOINTS.map(([method, path]) => `${method} ${path}`));

    for (const route of ROUTES)
      expect(contract.has(`${route.method} ${route.path}`), `${route.method} ${route.path}`).toBe(true);
  });

  it('names each route, handler and method+path once', () => {
    for (const key of ['id', 'handler'] as const) expect(new Set(ROUTES.map((r) => r[key])).size).toBe(ROUTES.length);
    expect(new Set(ROUTES.map((r) => `${r.method} ${r.path}`)).size).toBe(ROUTES.length);
  });

  it('gives table access only to routes behind a token, and write access only to routes with the write scope', () => {
    for (const route of ROUTES) {
      expect(touchesTable(route.data), route.id).toBe(route.scope !== null);
      expect(writes(route.data), route.id).toBe(route.scope === 'connections:write');
      if (route.method === 'GET') expect(writes(route.data), route.id).toBe(false);
    }
  });
});
