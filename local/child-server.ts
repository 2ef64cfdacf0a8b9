/** Runs the local server exactly as `npm start` does, in a child process, and stops it cleanly (tests, benchmarks). */
import { spawn } from 'node:child_process';

export interface RunningServer {
  readonly url: string;
  stop(): Promise<void>;
}

export async function spawnLocalServer(env: Record<string, string>): Promise<RunningServer> {
  const server = spawn(process.execPath, ['--import', 'tsx', 'local/server.ts'], {
    env: { ...process.env, PORT: '0', LOCAL_DATA_DIR: ':memory:', DYNAMODB_ENDPOINT: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    server.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    server.once('exit', (code) => reject(new Error(`the local server exited (${code}) before listening:\n${output}`)));
  });
  let stopping = false;
  // A server that dies under its tests would otherwise only show as refused connections.
  server.once('exit', (code, signal) => {
    if (!stopping)
      console.error(`the local server at ${url} exited (${code ?? signal}) while in use:\n${output.slice(-4000)}`);
  });
  return {
    url,
    stop: async () => {
      stopping = true;
      if (server.exitCode !== null) return;
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    },
  };
}
