/**
 * GET /topology and GET /topology/{asset} on payload 2.0 events: the page's files with a strict
 * CSP, gzip when asked, 304 on a matching ETag, and refusals as problem+json.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GatewayEvent, GatewayResult } from '#http/http.ts';
import { gatewayEvent, lambdaContext, matchRoute } from '../../local/gateway.ts';
import {
  sampleRequest,
  withHeaders,
  withQuery,
  type GatewayRequest,
  type LambdaHandler,
} from '../../testkit/events.ts';

const dir = mkdtempSync(join(tmpdir(), 'topology-unit-'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
writeFileSync(join(dir, 'topology.js'), 'console.log("page");'.repeat(50));
writeFileSync(join(dir, 'notes.txt'), 'not served');
process.env.TOPOLOGY_ASSETS_DIR = dir;

// Imported after TOPOLOGY_ASSETS_DIR is set: the handlers read their folder once.
let page: LambdaHandler;
let asset: LambdaHandler;
beforeAll(async () => {
  page = (await import('../../functions/handlers/topology.ts')).handler as LambdaHandler;
  asset = (await import('../../functions/handlers/topology-asset.ts')).handler as LambdaHandler;
});

interface Result {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}
async function invoke(handler: LambdaHandler, request: GatewayRequest): Promise<Result> {
  const event = gatewayEvent(request) as GatewayEvent;
  const result: GatewayResult = await handler(event, lambdaContext('getTopology') as never);
  return {
    statusCode: result.statusCode ?? 200,
    headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
    body: result.body ?? '',
    isBase64Encoded: result.isBase64Encoded ?? false,
  };
}

/** A browser's GET of `path`, on the route API Gateway matches for it; no compression unless asked. */
function event(path: string, headers: Record<string, string> = {}): GatewayRequest {
  const request = { ...sampleRequest('getHealth'), route: matchRoute('GET', path)!.route, path };
  return withHeaders(request, { 'accept-encoding': 'identity', ...headers });
}

describe('GET /topology', () => {
  it('serves the page as HTML with a CSP that allows no inline code and only its own origin', async () => {
    const answer = await invoke(page, event('/topology'));

    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.body).toContain('<title>t</title>');
    const csp = String(answer.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('refuses query parameters, as the other service routes do', async () => {
    const answer = await invoke(page, withQuery(event('/topology'), 'x=1'));
    expect(answer.statusCode).toBe(400);
  });
});

describe('GET /topology/{asset}', () => {
  it('serves a built file gzipped when the caller accepts gzip, the same bytes otherwise', async () => {
    const plain = await invoke(asset, event('/topology/topology.js'));
    const zipped = await invoke(asset, event('/topology/topology.js', { 'accept-encoding': 'gzip, br' }));

    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.isBase64Encoded).toBe(true);
    expect(gunzipSync(Buffer.from(zipped.body, 'base64')).toString()).toBe(plain.body);
  });

  it('answers 304 to a matching If-None-Match, and 200 to a stale one', async () => {
    const first = await invoke(asset, event('/topology/topology.js'));
    const etag = String(first.headers.etag);

    expect((await invoke(asset, event('/topology/topology.js', { 'if-none-match': etag }))).statusCode).toBe(304);
    expect((await invoke(asset, event('/topology/topology.js', { 'if-none-match': '"x"' }))).statusCode).toBe(200);
  });

  it.each([
    ['a file the build did not make', 'nothing.js', 404],
    ['a file of a type it does not serve', 'notes.txt', 404],
    ['a name that is not a file name', '..', 400],
    ['a name with a path in it', '..%2Fetc', 400],
  ])('refuses %s as problem+json', async (_, name, status) => {
    const answer = await invoke(asset, event(`/topology/${name}`));

    expect(answer.statusCode).toBe(status);
    expect(answer.headers['content-type']).toBe('application/problem+json');
  });
});
