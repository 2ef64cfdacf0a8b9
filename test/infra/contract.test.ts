/**
 * One route table, three views that must agree exactly: the table itself, the routes API Gateway
 * gets, and the paths the OpenAPI document describes, with the same scopes. And the CDK app stays on
 * its side of the line: it reads the route and table definitions, never runtime code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes.ts';
import { routeKey } from '../../functions/route-table/shape.ts';
import { openApiDocument } from '../../functions/docs/openapi.ts';
import { ROOT, synthesize, SYNTH_TIMEOUT, type Synthesized } from './support/synth.ts';

type Operation = { security?: Record<string, string[]>[] };

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
}, SYNTH_TIMEOUT);

const fromTable = () => ROUTES.map(routeKey).sort();
/** The catch-all is deployed but is no path of the API, so the document leaves it out. */
const documented = () =>
  ROUTES.filter((route) => route.method !== 'ANY')
    .map(routeKey)
    .sort();

const fromTemplate = () =>
  Object.values(synth.template.findResources('AWS::ApiGatewayV2::Route'))
    .map((route) => String(route.Properties.RouteKey))
    .sort();

const fromOpenApi = () => {
  const paths = openApiDocument().paths as Record<string, Record<string, Operation>>;
  return Object.entries(paths)
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
};

it('deploys exactly the routes of the route table, and the OpenAPI document describes exactly those', () => {
  expect(new Set(fromTable()).size).toBe(ROUTES.length);
  expect(fromTemplate()).toEqual(fromTable());
  expect(fromOpenApi()).toEqual(documented());
});

it('asks for the same scope in API Gateway as the OpenAPI document declares', () => {
  const paths = openApiDocument().paths as Record<string, Record<string, Operation>>;
  const routes = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Route'));
  for (const route of ROUTES.filter((r) => r.method !== 'ANY')) {
    const security = paths[route.path]?.[route.method.toLowerCase()]?.security;
    const deployed = routes.find((r) => r.Properties.RouteKey === routeKey(route))!;
    const deployedScopes: string[] = deployed.Properties.AuthorizationScopes ?? [];
    const documentedScopes = (security ?? []).flatMap((requirement) => Object.values(requirement).flat());
    expect(deployedScopes, route.id).toEqual(documentedScopes);
  }
});

it('keeps bin/ and lib/ free of runtime code: only the route table, the table definition and the stream filter', () => {
  const allowed = new Set([
    'functions/routes.ts',
    // The route table's own files: its entries' shape (plain types and functions).
    'functions/route-table/shape.ts',
    'functions/store/table-definition.ts',
    'functions/events/stream-filter.ts',
  ]);
  const files = ['bin', 'lib'].flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => join(ROOT, dir, file)),
  );
  expect(files.length).toBeGreaterThan(0);
  const offending: string[] = [];
  for (const file of files) {
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
      if (!specifier!.startsWith('.')) continue;
      const target = relative(ROOT, resolve(dirname(file), specifier!));
      if (target.startsWith('functions') && !allowed.has(target)) offending.push(`${relative(ROOT, file)} → ${target}`);
    }
  }
  expect(offending).toEqual([]);
});
