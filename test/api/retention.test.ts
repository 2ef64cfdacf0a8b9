/**
 * Retention under `npm start`, over HTTP, on a server of its own started with a retention of
 * seconds (DELETED_RETENTION_DAYS as a fraction of a day): a deleted connection is readable and
 * restorable until its time, then GET and history answer 404; the local stand-in for DynamoDB's
 * TTL deleter removes it, and LOCAL_EVENTS_FILE gets its `Connection Purged` envelope.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../local/jwt.ts';
import { spawnLocalServer, type RunningServer } from '../../local/child-server.ts';
import { appOnServer, canMintTokens } from '../support/api.ts';

const SECONDS = 3;
const secret = 'retention-test-secret';
const dir = mkdtempSync(join(tmpdir(), 'rc-retention-'));
const eventsFile = join(dir, 'events.ndjson');
let server: RunningServer;

beforeAll(async () => {
  if (!canMintTokens) return;
  server = await spawnLocalServer({
    LOCAL_JWT_SECRET: secret,
    LOCAL_EVENTS_FILE: eventsFile,
    DELETED_RETENTION_DAYS: String(SECONDS / 86_400),
  });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function send(method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}/api/acme/retention${path}`, {
    method,
    headers: {
      authorization: `Bearer ${mintToken({ projects: ['acme/retention'] }, secret)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

const envelopes = () =>
  (existsSync(eventsFile) ? readFileSync(eventsFile, 'utf8') : '')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { 'detail-type': string; detail: Record<string, unknown> });

describe.runIf(canMintTokens)('retention under npm start', () => {
  it('purges a deleted connection at the end of its retention: 404, and a Connection Purged event', async () => {
    const created = await send('POST', '/resource-connections', appOnServer());
    expect(created.status).toBe(201);
    const id = String(created.body!.id);
    expect((await send('DELETE', `/resource-connections/${id}`)).status).toBe(204);
    const deleted = await send('GET', `/resource-connections/${id}?includeDeleted=true`);
    expect(deleted.status).toBe(200);
    expect((await send('GET', `/resource-connections/${id}/history`)).status).toBe(200);

    const purged = () =>
      envelopes().find(
        (e) => e['detail-type'] === 'Connection Purged' && (e.detail.connection as { id: string }).id === id,
      );
    for (let waited = 0; !purged() && waited < 20_000; waited += 200) await new Promise((r) => setTimeout(r, 200));

    expect(purged()?.detail).toMatchObject({ connection: deleted.body, version: 3, actor: 'system:retention' });
    expect((await send('GET', `/resource-connections/${id}?includeDeleted=true`)).status).toBe(404);
    expect((await send('GET', `/resource-connections/${id}/history`)).status).toBe(404);
    expect((await send('POST', `/resource-connections/${id}/restore`)).status).toBe(404);
  });
});
