/**
 * The real thing, offline: `cdk synth` (run once per run by the global setup) runs bin/app.ts through
 * cdk.json with no AWS credentials at all, bundles every function with the local esbuild (no Docker)
 * as minified ESM with source maps, and the bundles load in plain Node and answer.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bundleFunction } from '../../testkit/esbuild.ts';
import { DEADLINE_SWEEP, ROUTES } from '../../functions/routes.ts';
import { routeKey, type Route } from '../../functions/route-table/shape.ts';
import { ESM_REQUIRE_BANNER } from '../../lib/bundling.ts';
import { buildTopologyPage } from '../../web/topology/build.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

const PATTERNS_DIR = join(ROOT, 'functions/store/patterns');

/** The modules of functions/store/patterns/ a source file imports for their values (not types alone). */
function patternImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)]
    .map(([, specifier]) =>
      specifier!.startsWith('#store/')
        ? join(ROOT, 'functions/store', specifier!.slice('#store/'.length))
        : resolve(dirname(file), specifier!),
    )
    .filter((path) => dirname(path) === PATTERNS_DIR)
    .map((path) => basename(path, '.ts'));
}

/** The patterns a handler calls, and every pattern those import in turn. */
function patternsReachedFrom(handler: string): { direct: string[]; reachable: Set<string> } {
  const direct = patternImports(join(ROOT, 'functions/handlers', `${handler}.ts`));
  const reachable = new Set<string>();
  const visit = (name: string) => {
    if (reachable.has(name)) return;
    reachable.add(name);
    patternImports(join(PATTERNS_DIR, `${name}.ts`)).forEach(visit);
  };
  direct.forEach(visit);
  return { direct, reachable };
}

interface Manifest {
  artifacts: Record<string, { type: string; environment?: string }>;
}

let outdir: string;
let scratchDir: string;
let template: { Resources: Record<string, { Type: string; Metadata?: Record<string, string> }> };

beforeAll(async () => {
  // The cloud assembly of the one `cdk synth` of this run (test/deployed/support/global-setup.ts).
  outdir = inject('cdkOut');
  if (inject('synthStatus') === 0)
    template = JSON.parse(readFileSync(join(outdir, 'ResourceConnections.template.json'), 'utf8'));
  scratchDir = mkdtempSync(join(tmpdir(), 'rc-synth-test-'));
});

afterAll(() => rmSync(scratchDir, { recursive: true, force: true }));

/** The bundle folder of the function at this construct path (below the stack). */
function bundleOf(constructPath: string): string {
  const fn = Object.values(template.Resources).find(
    (r) =>
      r.Type === 'AWS::Lambda::Function' &&
      r.Metadata?.['aws:cdk:path'] === `ResourceConnections/${constructPath}/Resource`,
  );
  expect(fn, constructPath).toBeDefined();
  return join(outdir, fn!.Metadata!['aws:asset:path']!);
}

/** Calls the bundle's handler in a fresh Node process, as Lambda would: no node_modules, no vitest. */
function invoke(bundle: string, event: unknown, env: Record<string, string>): unknown {
  const script = `
    const { handler } = await import(${JSON.stringify(pathToFileURL(join(bundle, 'index.mjs')).href)});
    const context = { functionName: 'smoke', awsRequestId: 'smoke', getRemainingTimeInMillis: () => 10000 };
    const answer = await handler(${JSON.stringify(event)}, context);
    process.stdout.write('\\n' + JSON.stringify(answer));`;
  const run = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
    cwd: tmpdir(),
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-west-1',
      POWERTOOLS_SERVICE_NAME: 'resource-connections',
      POWERTOOLS_METRICS_NAMESPACE: 'ResourceConnections',
      ...env,
    },
  });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!);
}

it('synthesizes with no AWS credentials, environment-agnostic', () => {
  expect(inject('synthStatus'), inject('synthStderr')).toBe(0);
  expect(inject('synthStderr')).not.toMatch(/docker/i);
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as Manifest;
  expect(manifest.artifacts.ResourceConnections?.environment).toBe('aws://unknown-account/unknown-region');
});

/** Construct path and handler module of every function. */
const BUNDLES: [string, string][] = [
  ...ROUTES.map((route): [string, string] => [`${route.id}Function`, route.handler]),
  ['Events/Publisher', 'publish-events'],
  ['Deadlines/Sweep', 'sweep-deadlines'],
];

it.each(BUNDLES)('bundles %s with the access patterns its handler calls and no other', (constructPath, handler) => {
  const map = JSON.parse(readFileSync(join(bundleOf(constructPath), 'index.mjs.map'), 'utf8')) as { sources: string[] };
  const bundled = map.sources
    .map((source) => /functions\/store\/patterns\/([\w-]+)\.ts$/.exec(source)?.[1])
    .filter((name): name is string => name !== undefined);
  const { direct, reachable } = patternsReachedFrom(handler);

  // Whatever else it carries came in some other way (a facade over the whole store, say).
  const strays = bundled.filter((name) => !reachable.has(name));
  expect(strays, `functions/handlers/${handler}.ts: patterns its bundle carries that it does not call`).toEqual([]);
  expect(bundled, 'the patterns it calls').toEqual(expect.arrayContaining(direct));
});

/** Whether each function seals or opens page tokens, as its entry says: only those are given the key. */
const PAGES: Record<string, boolean> = {
  ...Object.fromEntries(ROUTES.map((route) => [route.handler, route.data.pageTokens])),
  [DEADLINE_SWEEP.handler]: DEADLINE_SWEEP.data.pageTokens,
  'publish-events': false,
};

it.each(BUNDLES)(
  'bundles %s with the page-token code exactly when its entry says it pages',
  (constructPath, handler) => {
    const map = JSON.parse(readFileSync(join(bundleOf(constructPath), 'index.mjs.map'), 'utf8')) as {
      sources: string[];
    };
    expect(map.sources.some((source) => source.endsWith('functions/store/paging/page-token.ts'))).toBe(PAGES[handler]);
  },
);

// The OpenAPI document lists every route: its function alone carries them all.
it.each(ROUTES.filter((route) => route.id !== 'getOpenApi').map((route) => [route.id, route] as const))(
  'bundles %sFunction with its own entry of the route table and no other',
  (id, route) => {
    const code = readFileSync(join(bundleOf(`${id}Function`), 'index.mjs'), 'utf8');
    const others = ROUTES.filter((other) => other.id !== id && code.includes(other.summary)).map((other) => other.id);

    expect(code.includes(route.summary)).toBe(true);
    expect(others).toEqual([]);
  },
);

// Its size is reported, not budgeted: `npm run bench:cold` prints each bundle's bytes against the
// floor's beside the budget that matters, the import time as deployed (at most 1.3 × the floor's).
it.each(BUNDLES)('bundles %s as minified ESM with a source map', (constructPath) => {
  const bundle = bundleOf(constructPath);
  const code = readFileSync(join(bundle, 'index.mjs'), 'utf8');
  expect(existsSync(join(bundle, 'index.mjs.map'))).toBe(true);
  // Asserted as booleans: a failure should not print half a megabyte of bundle.
  expect(code.startsWith(ESM_REQUIRE_BANNER), 'starts with the require() banner').toBe(true);
  expect(/export\{[^}]*\b\w+ as handler\b[^}]*\}/.test(code), 'exports handler as ESM').toBe(true);
  expect(code.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map'), 'links its source map').toBe(true);
  expect(code.length / code.split('\n').length, 'minified: long lines').toBeGreaterThan(1000);
  expect(code.includes('node:stream/web'), 'node:stream/web stood in for (lib/bundling.ts)').toBe(false);
});

it.each([BUNDLES[0]!, BUNDLES.at(-1)!])(
  'bundles %s exactly as the benchmark does: what is measured is what is deployed',
  async (constructPath, handler) => {
    const deployed = readFileSync(join(bundleOf(constructPath), 'index.mjs'));

    const measured = await bundleFunction(
      join(ROOT, 'functions/handlers', `${handler}.ts`),
      join(scratchDir, `bench-${handler}`),
    );

    expect(readFileSync(measured.file).equals(deployed), 'byte for byte').toBe(true);
  },
);

it.each(
  (ROUTES as readonly Route[]).filter((route) => route.webPage).map((route) => [route.id, route.webPage!] as const),
)(
  'builds the page %s serves into its asset, byte for byte what the local server builds and serves',
  async (id, page) => {
    const deployed = join(bundleOf(`${id}Function`), page);
    const local = await buildTopologyPage(join(outdir, `local-${id}`));

    expect(readdirSync(deployed).sort()).toEqual(Object.keys(local).sort());
    for (const name of Object.keys(local))
      expect(readFileSync(join(deployed, name)).equals(readFileSync(join(outdir, `local-${id}`, name))), name).toBe(
        true,
      );
  },
);

/** An API Gateway payload 2.0 event for the route, with no authorizer context (no token). */
function unauthenticatedEvent(route: Route) {
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    name === 'resourceType' ? 'instance' : name === 'asset' ? 'topology.js' : `x-${name.toLowerCase()}`,
  );
  const segments = path.split('/');
  return {
    version: '2.0',
    routeKey: routeKey(route),
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: { http: { method: route.method, path }, requestId: 'smoke', routeKey: routeKey(route) },
    pathParameters: Object.fromEntries(
      route.path
        .split('/')
        .flatMap((segment, i) => (/^\{\w+\}$/.test(segment) ? [[segment.slice(1, -1), segments[i]]] : [])),
    ),
    ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: '{}' }),
    isBase64Encoded: false,
  };
}

describe.each(ROUTES.map((route) => [route.id, route] as const))('%s bundle', (id, route) => {
  const expected = route.scope ? 401 : route.method === 'ANY' ? 404 : 200;
  it(
    route.scope ? 'loads and refuses a call without a token, before any read' : `loads and answers ${expected}`,
    () => {
      const answer = invoke(bundleOf(`${id}Function`), unauthenticatedEvent(route), {
        TABLE_NAME: 'no-such-table',
        PAGE_TOKEN_SECRET: 'bundle-smoke-test',
        // What the stack names for GET /realtime.
        REALTIME_URL: 'wss://realtime.example/event/realtime',
        REALTIME_HOST: 'events.example',
        // Nothing listens here: a read would fail, not reach AWS.
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:1',
      }) as { statusCode: number };
      expect(answer.statusCode).toBe(expected);
    },
  );
});

it('bundles a publisher that loads and answers an empty stream batch', () => {
  const answer = invoke(
    bundleOf('Events/Publisher'),
    { Records: [] },
    { EVENT_BUS_NAME: 'no-such-bus', TABLE_NAME: 'no-such-table', WATCH_PUBLISH_URL: 'https://no-such-events/event' },
  );
  expect(answer).toEqual({ batchItemFailures: [] });
});
