/**
 * `npm start` that cannot listen: on a port that is taken, or on a PORT that is not one, it says so
 * in one line (what, which port, what to do), exits non-zero, and leaves nothing running (it takes
 * the port before it starts DynamoDB Local).
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Whether any process of the run's process group (npm, the server, a DynamoDB Local) is still there. */
  leftRunning: boolean;
}

function npmStart(env: Record<string, string>): Promise<Exit> {
  // A process group of its own, so that whatever it started can be found after it exits.
  const child = spawn('npm', ['start'], {
    env: { ...process.env, LOCAL_DATA_DIR: ':memory:', DYNAMODB_ENDPOINT: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) =>
    child.once('close', (code) => {
      let leftRunning = true;
      try {
        process.kill(-child.pid!, 0);
        process.kill(-child.pid!, 'SIGKILL'); // not to leave it behind when this test fails
      } catch {
        leftRunning = false;
      }
      resolve({ code, stdout, stderr, leftRunning });
    }),
  );
}

describe('npm start that cannot listen', { timeout: 60_000 }, () => {
  let taken: Server;
  let port: number;
  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    port = (taken.address() as { port: number }).port;
  });
  afterAll(() => new Promise((resolve) => taken.close(resolve)));

  it('on a port in use: one line saying which port and what to do, exit 1, nothing left running', async () => {
    const run = await npmStart({ PORT: String(port) });

    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `port ${port} is already in use (another npm start?): stop what listens there, or start on another port, e.g. PORT=3001 npm start (PORT=0: any free port)`,
    );
    expect(run.stdout).not.toMatch(/listening|DynamoDB/);
    expect(run.leftRunning).toBe(false);
  });

  it('on a PORT that is not a port: one line, exit 1, nothing left running', async () => {
    const run = await npmStart({ PORT: '80a' });

    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`PORT must be a whole number from 0 to 65535 (0: any free port), not '80a'`);
    expect(run.leftRunning).toBe(false);
  });
});
