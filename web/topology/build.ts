/**
 * Builds the topology page: its script and layout worker bundled with esbuild (cytoscape, elkjs and
 * the typed client inside, no CDN), its style sheet, and its HTML, into one folder. The stack runs this
 * into the page function's asset and the local server into a folder of its own, with the same
 * options, so both serve the same bytes. `node --import tsx web/topology/build.ts <out-dir>`
 */
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

const SOURCE = fileURLToPath(new URL('.', import.meta.url));

/** Browsers of the last two years; the output holds no paths or timestamps, so a build is reproducible. */
export const PAGE_BUNDLING: BuildOptions = {
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome115', 'firefox115', 'safari16'],
  sourcemap: false,
  legalComments: 'eof',
  logLevel: 'warning',
};

/** Builds the page into `outDir` and returns each file's size in bytes. */
export async function buildTopologyPage(outDir: string): Promise<Record<string, number>> {
  mkdirSync(outDir, { recursive: true });
  await build({
    ...PAGE_BUNDLING,
    entryPoints: [
      { in: join(SOURCE, 'src/main.ts'), out: 'topology' },
      { in: join(SOURCE, 'src/layout-worker.ts'), out: 'layout-worker' },
      { in: join(SOURCE, 'src/topology.css'), out: 'topology' },
    ],
    outdir: outDir,
    // The typed client's one Node import, randomUUID, is the browser's own.
    alias: { 'node:crypto': join(SOURCE, 'src/browser-crypto.ts') },
  });
  copyFileSync(join(SOURCE, 'src/index.html'), join(outDir, 'index.html'));
  return Object.fromEntries(readdirSync(outDir).map((name) => [name, statSync(join(outDir, name)).size]));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const outDir = process.argv[2];
  if (!outDir) throw new Error('usage: web/topology/build.ts <out-dir>');
  const sizes = await buildTopologyPage(outDir);
  console.error(
    `topology page: ${Object.entries(sizes)
      .map(([name, bytes]) => `${name} ${bytes} B`)
      .join(', ')}`,
  );
}
