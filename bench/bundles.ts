/**
 * Bundle size and cold import time of every function against the floor: a bundle that only builds
 * the DynamoDB document client. Each bundle is built as the stack builds it (lib/bundling.ts) and
 * imported in a fresh Node process, as a cold Lambda does, many times over in rotation so that a
 * noisy machine slows every bundle alike; the median counts. Each is also imported without
 * --enable-source-maps (which the functions run with), and built a second way, with the AWS SDK
 * left out to be loaded from node_modules, as from the Lambda runtime's copy.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FUNCTION_NODE_OPTIONS } from '../lib/bundling.ts';
import { BASELINE_ENTRY, bundleFunction, FUNCTION_ENTRIES, ROOT, RUNTIME_SDK_EXTERNALS } from '../testkit/esbuild.ts';
import { median } from './report.ts';

export interface BundleFigures {
  readonly bytes: number;
  readonly importMs: number;
  readonly samplesMs: readonly number[];
}

export interface FunctionBundles {
  readonly name: string;
  /** As deployed: the SDK inside the bundle. */
  readonly bundled: BundleFigures;
  /** The same bundle, imported without --enable-source-maps. */
  readonly noSourceMaps: BundleFigures;
  /** The SDK from node_modules, standing in for the Lambda runtime's copy. */
  readonly runtimeSdk: BundleFigures;
}

/** What the functions read at import, so that they load as in Lambda (nothing is called). */
const FUNCTION_ENV = {
  PATH: process.env.PATH ?? '',
  NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
  AWS_REGION: 'eu-west-1',
  TABLE_NAME: 'bench',
  PAGE_TOKEN_SECRET: 'bench',
  EVENT_BUS_NAME: 'bench',
  POWERTOOLS_SERVICE_NAME: 'resource-connections',
  POWERTOOLS_METRICS_NAMESPACE: 'ResourceConnections',
  // Node 20 here; the Lambda runtime is Node 22, where the SDK prints no such notice.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

const IMPORT_SCRIPT =
  'const t = process.hrtime.bigint(); await import(process.argv[1]); ' +
  'process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));';

const VARIANTS = ['bundled', 'noSourceMaps', 'runtimeSdk'] as const;
type Variant = (typeof VARIANTS)[number];

function importMs(file: string, variant: Variant): number {
  const { NODE_OPTIONS: _sourceMaps, ...withoutSourceMaps } = FUNCTION_ENV;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(file).href], {
    encoding: 'utf8',
    env: variant === 'noSourceMaps' ? withoutSourceMaps : FUNCTION_ENV,
    cwd: tmpdir(),
  });
  if (run.status !== 0) throw new Error(`importing ${file} failed: ${run.stderr}`);
  return Number(run.stdout);
}

export async function measureBundles(
  runs: number,
): Promise<{ baseline: FunctionBundles; functions: FunctionBundles[] }> {
  // As deployed, a bundle has no node_modules beside it: built in the temp dir, it cannot reach ours.
  const selfContained = mkdtempSync(join(tmpdir(), 'rc-bench-bundles-'));
  // The runtime-SDK variant must resolve the SDK: built inside the project, it finds node_modules.
  const withNodeModules = join(ROOT, '.data', `bench-bundles-${process.pid}`);
  mkdirSync(withNodeModules, { recursive: true });
  try {
    const entries = [{ name: 'baseline', entry: BASELINE_ENTRY }, ...FUNCTION_ENTRIES];
    const built = await Promise.all(
      entries.map(async ({ name, entry }) => {
        const bundled = await bundleFunction(entry, join(selfContained, name));
        const runtimeSdk = await bundleFunction(entry, join(withNodeModules, name), {
          external: RUNTIME_SDK_EXTERNALS,
        });
        return { name, files: { bundled, noSourceMaps: bundled, runtimeSdk } };
      }),
    );
    const samples = new Map<string, number[]>();
    for (let round = 0; round < runs; round++) {
      for (const b of built) {
        for (const variant of VARIANTS) {
          const key = `${b.name}:${variant}`;
          samples.set(key, [...(samples.get(key) ?? []), importMs(b.files[variant].file, variant)]);
        }
      }
    }
    const figures = (name: string, variant: Variant, bytes: number): BundleFigures => {
      const samplesMs = samples.get(`${name}:${variant}`) ?? [];
      return { bytes, importMs: median(samplesMs), samplesMs };
    };
    const all = built.map((b): FunctionBundles => ({
      name: b.name,
      bundled: figures(b.name, 'bundled', b.files.bundled.bytes),
      noSourceMaps: figures(b.name, 'noSourceMaps', b.files.bundled.bytes),
      runtimeSdk: figures(b.name, 'runtimeSdk', b.files.runtimeSdk.bytes),
    }));
    return { baseline: all[0]!, functions: all.slice(1) };
  } finally {
    rmSync(selfContained, { recursive: true, force: true });
    rmSync(withNodeModules, { recursive: true, force: true });
  }
}
