/**
 * The README's "Use it from TypeScript" and "Use it from a shell" examples (the latter also in
 * docs/cli.md) are examples/quickstart.ts and examples/quickstart.sh word for word; this runs both
 * against the local server, and the curl examples of "Using it" top to bottom, each answering something.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** Put before the README's commands: each curl call's arguments, status and body are kept in $CURL_LOG. */
const RECORDING_CURL = `
curl() {
  local n=$(( $(cat "$CURL_LOG/count" 2>/dev/null || echo 0) + 1 ))
  echo "$n" > "$CURL_LOG/count"
  printf '%s ' "$@" > "$CURL_LOG/$n.args"
  command curl -sS -o "$CURL_LOG/$n.body" -w '%{http_code}' "$@" > "$CURL_LOG/$n.status"
  cat "$CURL_LOG/$n.body"
}
`;

interface CurlCall {
  args: string;
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of any shape, checked below
}

function recordedCalls(dir: string): CurlCall[] {
  const count = readdirSync(dir).filter((name) => name.endsWith('.status')).length;
  return Array.from({ length: count }, (_, i) => {
    const read = (what: string) => readFileSync(join(dir, `${i + 1}.${what}`), 'utf8');
    const args = read('args').replace(/Bearer \S+/, 'Bearer …');
    // With -i the headers come first.
    const text = args.includes('-i ') ? read('body').split('\r\n\r\n').slice(1).join('\r\n\r\n') : read('body');
    return { args, status: Number(read('status')), body: text ? JSON.parse(text) : undefined };
  });
}

describe.runIf(canMintTokens)('the README examples', { timeout: 240_000 }, () => {
  it('the curl examples of "Using it" each answer something, run top to bottom', async () => {
    const block = /## Using it\n\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    const env = freshEnvironment();
    for (const text of ['--project acme --env dev', 'http://localhost:3000/api/acme/dev']) {
      expect(block).toContain(text);
    }
    const script = block
      .replaceAll('--project acme --env dev', `--project ${project} --env ${env}`)
      .replaceAll('http://localhost:3000/api/acme/dev', `${baseUrl}/api/${project}/${env}`)
      .replaceAll('http://localhost:3000', baseUrl);
    const log = mkdtempSync(join(tmpdir(), 'readme-curl-'));
    try {
      const result = await run('bash', ['-e', '-o', 'pipefail', '-c', RECORDING_CURL + script], {
        CURL_LOG: log,
        LOCAL_JWT_SECRET: inject('jwtSecret')!,
      });
      expect(result.code, result.stderr).toBe(0);
      const calls = recordedCalls(log);

      expect(calls).toHaveLength(block.match(/^(ID=\$\()?curl /gm)!.length);
      for (const { args, status, body } of calls) {
        expect(status, args).toBeGreaterThanOrEqual(200);
        expect(status, args).toBeLessThan(300);
        if (status === 204) continue;
        expect(body, args).toBeTruthy();
        // Nothing answers empty: every list and graph holds something, the check passes, the cascade deletes.
        if ('items' in body) expect(body.items.length, args).toBeGreaterThan(0);
        if ('edges' in body) expect(body.edges.length, args).toBeGreaterThan(0);
        if ('valid' in body) expect(body.valid, args).toBe(true);
        if ('deleted' in body) expect(body, args).toEqual({ deleted: 2, complete: true });
      }
      const [created, patched, connected] = [calls[0]!, calls[4]!, calls[5]!];
      expect([created.status, created.body.status]).toEqual([201, 'pending']);
      expect(patched.body).toMatchObject({ status: 'connecting', statusReason: 'provisioning', version: 2 });
      expect(connected.body).toMatchObject({ status: 'connected', statusReason: null, version: 3 });
      expect(calls.find((c) => c.args.includes('/history'))!.body.items).toHaveLength(3);
      expect(calls.find((c) => c.args.includes('/restore'))!.body).toMatchObject({ status: 'pending' });
    } finally {
      rmSync(log, { recursive: true, force: true });
    }
  });

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
