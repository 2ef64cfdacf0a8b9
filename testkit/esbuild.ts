/**
 * Bundles one function entry exactly as the CDK stack does (lib/bundling.ts), with esbuild's JS
 * API; shared by the benchmark and the bundle budget test.
 */
import { build } from 'esbuild';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE_FILE, FUNCTION_BUNDLING } from '../lib/bundling.ts';
import { ROUTES } from '../functions/routes.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BASELINE_ENTRY = join(ROOT, 'testkit/baseline.ts');

/** Every function the stack deploys: one per route, and the stream publisher. */
export const FUNCTION_ENTRIES: readonly { name: string; entry: string }[] = [
  ...ROUTES.map((route) => route.handler),
  'publish-events',
].map((name) => ({ name, entry: join(ROOT, 'functions/handlers', `${name}.ts`) }));

/** What "the SDK from the Lambda runtime" means: these stay imports, resolved at load time. */
export const RUNTIME_SDK_EXTERNALS = ['@aws-sdk/*', '@smithy/*'];

export interface BundleOptions {
  /** Packages left as imports. @default the deployed setting (none) */
  readonly external?: readonly string[];
  /** Write a source map. @default the deployed setting */
  readonly sourcemap?: boolean;
}

/** Writes `<outdir>/index.mjs` (and its map) and returns the bundle's path and size in bytes. */
export async function bundleFunction(entry: string, outdir: string, options: BundleOptions = {}) {
  const outfile = join(outdir, BUNDLE_FILE);
  await build({
    ...FUNCTION_BUNDLING,
    mainFields: [...FUNCTION_BUNDLING.mainFields],
    external: [...(options.external ?? FUNCTION_BUNDLING.external)],
    sourcemap: options.sourcemap ?? FUNCTION_BUNDLING.sourcemap,
    entryPoints: [entry],
    outfile,
    absWorkingDir: ROOT,
    logLevel: 'error',
  });
  return { file: outfile, bytes: statSync(outfile).size };
}
