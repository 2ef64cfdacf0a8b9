/**
 * The API suite's target: a deployed stack when API_URL (and API_TOKEN) are set, otherwise the
 * local server exactly as `npm start` runs it, in a child process on a free port, with DynamoDB
 * Local in memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { spawnLocalServer } from '../../local/child-server.ts';

export default async function setup(project: TestProject) {
  if (process.env.API_URL) {
    if (!process.env.API_TOKEN) throw new Error('API_URL needs API_TOKEN: a token granted the project API_PROJECT');
    if (!process.env.API_PROJECT)
      throw new Error('API_URL needs API_PROJECT: the project slug API_TOKEN is granted (project/*)');
    project.provide('apiUrl', process.env.API_URL.replace(/\/$/, ''));
    project.provide('apiToken', process.env.API_TOKEN);
    return;
  }
  const jwtSecret = 'api-test-secret';
  const eventsDir = mkdtempSync(join(tmpdir(), 'api-events-'));
  const eventsFile = join(eventsDir, 'events.ndjson');
  // A `ka` every second, so the protocol tests see one without waiting a minute.
  const server = await spawnLocalServer({
    LOCAL_JWT_SECRET: jwtSecret,
    LOCAL_EVENTS_FILE: eventsFile,
    LOCAL_KEEP_ALIVE_MS: '1000',
  });
  project.provide('apiUrl', server.url);
  project.provide('jwtSecret', jwtSecret);
  project.provide('eventsFile', eventsFile);
  return async () => {
    await server.stop();
    rmSync(eventsDir, { recursive: true, force: true });
  };
}
