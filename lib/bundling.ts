/**
 * How every function is bundled, as esbuild options: the one source the CDK functions
 * (service-function.ts), the benchmark (bench/) and the bundle budget test read, so what is
 * measured is what is deployed. Plain data with no imports: bench/ and test/ load it without CDK.
 */

/** Bundled CommonJS dependencies call require(), which an ES module does not have. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * esbuild's build options, named as its JS API names them. `external` is empty: the AWS SDK is
 * bundled, because `npm run bench` measured the bundled copy importing faster than the one from
 * node_modules (the Lambda runtime's), at a size still within budget.
 */
export const FUNCTION_BUNDLING = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  // The map ships beside the bundle, but no function runs with --enable-source-maps (measured: it
  // made every cold start read and decode the map); a logged error's stack is mapped when logged
  // (functions/http/stack-traces.ts, through the Logger's jsonReplacerFn). Line numbers are
  // enough there; sources would only grow the asset.
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  external: [],
  // What middy imports for streamed responses, which no function sends: see the shim.
  alias: { 'node:stream/web': './functions/shims/stream-web.ts' },
  banner: { js: ESM_REQUIRE_BANNER },
} as const;

/** The file name Lambda loads an ESM bundle from. */
export const BUNDLE_FILE = 'index.mjs';
