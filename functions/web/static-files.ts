/**
 * The topology page's built files (web/topology/, built by web/topology/build.ts) as HTTP answers.
 * In AWS they sit in `topology/` beside the function's bundle, built there by the stack; the local
 * server builds the same files with the same script and names their folder in TOPOLOGY_ASSETS_DIR.
 * Read once per process; each answer is gzipped once when the caller accepts it (API Gateway's
 * HTTP APIs do not compress).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { GatewayResult } from '#http/http.ts';
import { NotFoundError } from '#model/errors.ts';

/**
 * Only files of the page's own origin: no inline script or style, and the page talks to this API
 * alone. `img-src blob:` lets the PNG export show; the layout runs in a worker from 'self'.
 */
export const TOPOLOGY_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
  gzipped?: Buffer;
}

let files: Map<string, StaticFile> | undefined;

function load(): Map<string, StaticFile> {
  const dir = process.env.TOPOLOGY_ASSETS_DIR || fileURLToPath(new URL('./topology/', import.meta.url));
  const loaded = new Map<string, StaticFile>();
  for (const name of readdirSync(dir)) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (!contentType) continue;
    const body = readFileSync(join(dir, name));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    loaded.set(name, { body, contentType, etag });
  }
  if (!loaded.has('index.html')) throw new Error(`the topology page is not built in ${dir}`);
  return loaded;
}

/** The answer for one file of the page; 404 for a name the build did not produce. */
export function staticFile(name: string, headers: Readonly<Record<string, string | undefined>>): GatewayResult {
  files ??= load();
  const file = files.get(name);
  if (!file) throw new NotFoundError('The topology page has no such file.');
  const common: Record<string, string> = {
    'content-type': file.contentType,
    // Revalidated on every load (cheap: 304), so a deployment is seen at once.
    'cache-control': 'no-cache',
    etag: file.etag,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...(name === 'index.html' ? { 'content-security-policy': TOPOLOGY_CSP } : {}),
    vary: 'accept-encoding',
  };
  if (header(headers, 'if-none-match') === file.etag) return { statusCode: 304, headers: common };
  if (!/\bgzip\b/.test(header(headers, 'accept-encoding') ?? ''))
    return { statusCode: 200, headers: common, body: file.body.toString('utf8') };
  file.gzipped ??= gzipSync(file.body, { level: 9 });
  return {
    statusCode: 200,
    headers: { ...common, 'content-encoding': 'gzip' },
    body: file.gzipped.toString('base64'),
    isBase64Encoded: true,
  };
}

/** API Gateway lower-cases header names; other emulators do not. */
function header(headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}
