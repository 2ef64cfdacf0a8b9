/**
 * The outage drill: serve traffic, kill the database, expect quick 503s with Retry-After, bring it
 * back on the same data, and expect every acknowledged write to be there and the service (never
 * restarted) to answer again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startDynamoDbLocal, type DynamoDbLocal } from '../../local/environment.ts';
import { mintToken } from '../../local/jwt.ts';
import { isDatabaseUnavailable } from '#store/database-errors.ts';
import { createDocumentClient, requestTimeoutMs } from '#store/client.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { spawnLocalServer, type RunningServer } from '../../local/child-server.ts';

const secret = 'outage-drill-secret';
const token = mintToken({ projects: ['drill/*'] }, secret);
const dataDir = mkdtempSync(join(tmpdir(), 'outage-drill-'));
let dynamo: DynamoDbLocal | undefined;
let server: RunningServer | undefined;

afterAll(async () => {
  await server?.stop();
  await dynamo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(method: string, path: string, json?: unknown) {
  const response = await fetch(`${server!.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(json ? { 'content-type': 'application/json' } : {}) },
    body: json ? JSON.stringify(json) : undefined,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

const base = '/api/drill/prod/resource-connections';

// It stops and restarts a DynamoDB Local of its own, also when the suite was given DYNAMODB_ENDPOINT.
describe('outage drill', () => {
  it('answers 503 with Retry-After while the database is down, and recovers on the same data', async () => {
    const port = await freePort();
    dynamo = await startDynamoDbLocal({ dataDir, port });
    server = await spawnLocalServer({ LOCAL_JWT_SECRET: secret, DYNAMODB_ENDPOINT: dynamo.endpoint });
    const acknowledged: string[] = [];
    for (let i = 0; i < 20; i++) {
      const created = await call('POST', base, {
        sourceResourceType: 'terminal',
        sourceResourceId: `t-${i}`,
        targetResourceType: 'instance',
        targetResourceId: 'i-1',
      });
      expect(created.status).toBe(201);
      acknowledged.push(String(created.body.id));
    }

    await dynamo.stop();
    const downStarted = Date.now();
    const whileDown = await Promise.all([
      call('GET', `${base}/${acknowledged[0]}`),
      call('GET', base),
      call('POST', base, {
        sourceResourceType: 'terminal',
        sourceResourceId: 't-x',
        targetResourceType: 'instance',
        targetResourceId: 'i-1',
      }),
      call('PATCH', `${base}/${acknowledged[1]}`, { status: 'connecting' }),
    ]);
    const downMs = Date.now() - downStarted;

    for (const answer of whileDown) {
      expect(answer.status).toBe(503);
      expect(answer.body.code).toBe('SERVICE_UNAVAILABLE');
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(JSON.stringify(answer.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);
    }

    dynamo = await startDynamoDbLocal({ dataDir, port });
    const upStarted = Date.now();
    let first = await call('GET', `${base}/${acknowledged[0]}`);
    for (let i = 0; i < 20 && first.status !== 200; i++) first = await call('GET', `${base}/${acknowledged[0]}`);
    const recoveryMs = Date.now() - upStarted;

    expect(first.status).toBe(200);
    for (const id of acknowledged) expect((await call('GET', `${base}/${id}`)).status).toBe(200);
    const listed = await call('GET', `${base}?limit=100`);
    expect((listed.body.items as unknown[]).length).toBe(acknowledged.length);
    console.log(
      `outage drill: 4 requests answered 503 in ${downMs} ms while down; first success ${recoveryMs} ms after restart`,
    );
    // Two JVM starts, a server start and bounded retries: on a busy 2-core machine this alone takes over 30 s.
  }, 120_000);
});

describe('a database that accepts connections but never answers', () => {
  it('fails as "database unavailable" (503) after bounded retries, not a hang', async () => {
    const held: Socket[] = [];
    const silent: Server = createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const repo = new ConnectionRepository({
      // AWS's timeout, not the patient one the suites give DynamoDB Local: this is the drill of the deployed function.
      client: createDocumentClient(`http://127.0.0.1:${port}`, requestTimeoutMs({})),
      tableName: 'any',
      pageTokenSecret: 'secret',
    });
    const started = Date.now();

    const failure = await repo
      .get({ scope: { projectSlug: 'drill', environmentSlug: 'prod' }, id: '01ARZ3NDEKTSV4RRFFQ69G5FAV' })
      .catch((e: unknown) => e);

    console.log(`silent database: gave up after ${Date.now() - started} ms`);
    expect(isDatabaseUnavailable(failure)).toBe(true);
    held.forEach((socket) => socket.destroy());
    silent.close();
  });
});
