/**
 * The README's "Use it from TypeScript" and "Use it from a shell" examples (the latter also in
 * docs/cli.md) are examples/quickstart.ts and examples/quickstart.sh word for word; this runs both
 * against the local server.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { baseUrl, canMintTokens, freshEnvironment, project, token } from '../support/api.ts';

const readme = readFileSync('README.md', 'utf8');
const cliDocs = readFileSync('docs/cli.md', 'utf8');
const run = (command: string, args: string[], env: Record<string, string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(command, args, { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    ),
  );

describe.runIf(canMintTokens)('the README examples', { timeout: 240_000 }, () => {
  it('the TypeScript example is in the README and runs', async () => {
    const example = readFileSync('examples/quickstart.ts', 'utf8');
    expect(readme).toContain(example.replace("'../client/src/index.ts'", "'./client/src/index.ts'"));

    const env = { RC_URL: baseUrl, RC_TOKEN: token(), RC_PROJECT: project, RC_ENV: freshEnvironment() };
    const result = await run(process.execPath, ['--import', 'tsx', 'examples/quickstart.ts'], env);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^already linked by \w+$/m);
    expect(result.stdout).toMatch(/^\w+ application\/app-42 connected$/m);
    expect(result.stdout).toMatch(/^near i-0abc123: application\/app-42 -> instance\/i-0abc123 connected$/m);
    expect(result.stdout).toMatch(/^deleted 1$/m);
  });

  it('the shell example is in the README and runs', async () => {
    const example = readFileSync('examples/quickstart.sh', 'utf8');
    expect(readme).toContain(example);
    expect(cliDocs).toContain(example);

    const env = {
      RC_URL: baseUrl,
      RC_PROJECT: project,
      RC_ENV: freshEnvironment(),
      LOCAL_JWT_SECRET: inject('jwtSecret')!,
    };
    const result = await run('bash', ['-e', 'examples/quickstart.sh'], env);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^ready: \w+$/m);
    expect(result.stdout).toMatch(/^exit code 4 \(4: conflict\)$/m);
    expect(result.stderr).toContain('(DUPLICATE_CONNECTION)');
    expect(result.stdout).toMatch(/^3$/m); // three versions in the history
    expect(result.stdout).toContain(
      '  application_app_42(["application/app-42"])\n  instance_i_0abc123["instance/i-0abc123"]\n',
    );
    expect(result.stdout).toMatch(
      /^ {2}application_app_42 (e_\w+)@-->\|"connected"\| instance_i_0abc123\n {2}class \1 connected$/m,
    );
    expect(result.stdout).toMatch(/^deleted 1 connection of instance\/i-0abc123$/m);
  });
});
