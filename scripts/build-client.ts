/**
 * Bundles the client and the CLI with esbuild, minified, with their dependencies: for the size the
 * docs/client.md quotes, and a CLI that starts in a fraction of the time tsx needs (the CLI tests run it).
 * Usage: tsx scripts/build-client.ts [outdir] (default .data/client-build); prints the sizes.
 */
import { build } from 'esbuild';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// CommonJS dependencies (cli-table3) call require(); an ESM bundle gets one from createRequire.
const banner = {
  js: "import { createRequire as __rcRequire } from 'node:module'; const require = __rcRequire(import.meta.url);",
};

export interface ClientBuild {
  readonly client: string;
  readonly cli: string;
  readonly clientBytes: number;
  readonly cliBytes: number;
}

export async function buildClient(outdir = join(root, '.data/client-build')): Promise<ClientBuild> {
  const common = {
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
  } as const;
  const client = join(outdir, 'client.mjs');
  const cli = join(outdir, 'cli.mjs');
  await build({ ...common, entryPoints: [join(root, 'client/src/index.ts')], outfile: client });
  await build({
    ...common,
    banner,
    stdin: { contents: "import { main } from './client/cli/main.ts'; await main();", resolveDir: root, loader: 'ts' },
    outfile: cli,
  });
  return { client, cli, clientBytes: statSync(client).size, cliBytes: statSync(cli).size };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildClient(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`client (with openapi-fetch): ${(built.clientBytes / 1024).toFixed(1)} KB minified -> ${built.client}`);
  console.log(
    `CLI (with commander, cli-table3, cli-progress): ${(built.cliBytes / 1024).toFixed(1)} KB -> ${built.cli}`,
  );
}
