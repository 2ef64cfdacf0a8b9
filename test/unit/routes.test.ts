import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes.ts';
import { touchesTable, writes, type Route } from '../../functions/route-table/shape.ts';

const API_DOC = 'docs/api.md';

/**
 * The endpoints docs/api.md promises, read from its Routes table: each row's `METHOD /path`s with
 * the row's scope. A route with a scope sits under the table's Base; one without at the root; the
 * row "any other method and path" is the catch-all.
 */
function contractEndpoints(): [method: string, path: string, scope: Route['scope']][] {
  const text = readFileSync(new URL(`../../${API_DOC}`, import.meta.url), 'utf8');
  const section = /^## Routes\n([\s\S]*?)^## /m.exec(text)?.[1] ?? '';
  const base = /^Base: `([^`]+)`/m.exec(section)?.[1];
  const scopes: Record<string, Route['scope']> = { read: 'connections:read', write: 'connections:write', none: null };
  const rows = [...section.matchAll(/^\| (.+?) \| (read|write|none) \|/gm)];
  if (base === undefined || rows.length === 0) throw new Error(`${API_DOC}: no Routes table with its Base line`);
  return rows.flatMap(([, endpoints, scopeWord]) => {
    const scope = scopes[scopeWord!]!;
    if (endpoints!.startsWith('any other')) return [['ANY', '$default', scope] as const];
    return [...endpoints!.matchAll(/`(\w+) (\/[^`]*)`/g)].map(
      ([, method, path]) => [method!, scope === null ? path! : `${base}${path}`, scope] as const,
    );
  }) as [string, string, Route['scope']][];
}

const CONTRACT_ENDPOINTS = contractEndpoints();

describe('the route table', () => {
  it.each(CONTRACT_ENDPOINTS)(`serves ${API_DOC}'s endpoint %s %s with scope %s`, (method, path, scope) => {
    const route = ROUTES.find((r) => r.method === method && r.path === path);

    expect(route, `${API_DOC} lists ${method} ${path}: functions/routes.ts has no such route`).toBeDefined();
    expect(route?.scope, `${route?.id}: its scope in functions/routes.ts against ${API_DOC}`).toBe(scope);
  });

  it(`serves nothing ${API_DOC} does not list`, () => {
    const contract = new Set(CONTRACT_ENDPOINTS.map(([method, path]) => `${method} ${path}`));

    for (const route of ROUTES)
      expect(
        contract.has(`${route.method} ${route.path}`),
        `functions/routes.ts serves ${route.method} ${route.path}: add it to the Routes table of ${API_DOC}`,
      ).toBe(true);
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
