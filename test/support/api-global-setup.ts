/**
 * The API suite's target: a deployed stack when API_URL (and API_TOKEN) are set, otherwise the
 * local server exactly as `npm start` runs it, in a child process on a free port, with DynamoDB
 * Local in memory.
 */
import { spawn } from 'node:child_process';
import type { TestProject } from 'vitest/node';

export default async function setup(project: TestProject) {
  if (process.env.API_URL) {
    if (!process.env.API_TOKEN) throw new Error('API_URL needs API_TOKEN: a token granted the project API_PROJECT');
    if (!process.env.API_PROJECT) throw new Error('API_URL needs API_PROJECT: the project slug API_TOKEN is granted (project/*)');
    project.provide('apiUrl', process.env.API_URL.replace(/\/$/, ''));
    project.provide('apiToken', process.env.API_TOKEN);
    return;
  }
  const jwtSecret = 'api-test-secret';
  const server = spawn(process.execPath, ['--import', 'tsx', 'local/server.ts'], {
    env: { ...process.env, PORT: '0', LOCAL_DATA_DIR: ':memory:', LOCAL_JWT_SECRET: jwtSecret, DYNAMODB_ENDPOINT: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    server.once('exit', (code) => reject(new Error(`the local server exited (${code}) before listening:\n${output}`)));
  });
  project.provide('apiUrl', url);
  project.provide('jwtSecret', jwtSecret);
  return async () => {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  };
}
