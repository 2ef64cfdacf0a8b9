/**
 * `npm run token` as a process: help without a stack trace, a project required (or an explicit
 * --all-projects), usage errors as one line and exit 2, and the grants each form mints.
 */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { verifyJwt } from '../../local/jwt.ts';

const SECRET = 'mint-token-test-secret';

function token(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/mint-token.ts', ...args],
      { env: { ...process.env, LOCAL_JWT_SECRET: SECRET } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    ),
  );
}
const claims = (stdout: string) => verifyJwt(stdout.trim(), SECRET);

describe('npm run token', { timeout: 60_000 }, () => {
  it('prints its usage for --help, and one line for each mistake, exit 2, without a stack trace', async () => {
    const [help, short, missing, envOnly, both, unknown, badSlug, badTtl, badScope] = await Promise.all([
      token(['--help']),
      token(['-h']),
      token([]),
      token(['--env', 'dev']),
      token(['--all-projects', '--project', 'acme']),
      token(['--bogus']),
      token(['--project', 'acme dev']),
      token(['--project', 'acme', '--ttl', '1e3']),
      token(['--project', 'acme', '--scope', 'admin']),
    ]);
    expect([help.code, help.stderr, short.stdout]).toEqual([0, '', help.stdout]);
    expect(help.stdout).toMatch(/^usage: npm run token -- --project <slug>/);
    expect(help.stdout).toContain('--all-projects');

    const refusals = { missing, envOnly, both, unknown, badSlug, badTtl, badScope };
    for (const [name, run] of Object.entries(refusals)) {
      expect([run.code, run.stdout], name).toEqual([2, '']);
      expect(run.stderr, name).toMatch(/^error: .+\n\(npm run token -- --help for usage\)\n$/);
    }
    expect(missing.stderr).toContain('--project <slug> (or --all-projects');
    expect(envOnly.stderr).toContain('--project <slug> (or --all-projects');
    expect(unknown.stderr).toContain("'--bogus'");
    expect(badSlug.stderr).toContain("--project 'acme dev' is not a slug");
  });

  it('mints the grants asked for: one environment, every environment of a project, or every project', async () => {
    const [one, projects, all] = await Promise.all([
      token(['--project', 'acme', '--env', 'dev', '--scope', 'read', '--sub', 'alice', '--ttl', '60']),
      token(['--project', 'acme', '--project', 'beta']),
      token(['--all-projects']),
    ]);
    expect(claims(one.stdout)).toMatchObject({ projects: 'acme/dev', scope: 'connections:read', sub: 'alice' });
    const { exp, iat } = claims(one.stdout) as { exp: number; iat: number };
    expect(exp - iat).toBe(60);
    expect(claims(projects.stdout)).toMatchObject({
      projects: 'acme/* beta/*',
      scope: 'connections:read connections:write',
    });
    expect(claims(all.stdout)).toMatchObject({ projects: '*' });
  });
});
