/**
 * The client across a database outage: a create sent while DynamoDB is down meets 503s, retries with
 * back-off under its one Idempotency-Key, and succeeds once the database is back: one connection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startDynamoDbLocal, type DynamoDbLocal } from '../../local/environment.ts';
import { mintToken } from '../../local/jwt.ts';
import { spawnLocalServer, type RunningServer } from '../../local/child-server.ts';
import { ResourceConnections } from '../../client/src/index.ts';

const secret = 'client-outage-secret';
const dataDir = mkdtempSync(join(tmpdir(), 'client-outage-'));
let dynamo: DynamoDbLocal | undefined;
let server: RunningServer | undefined;

afterAll(async () => {
  await server?.stop();
  await dynamo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

// It stops and restarts a DynamoDB Local of its own, also when the suite was given DYNAMODB_ENDPOINT.
describe('the client across a DynamoDB outage', { timeout: 150_000 }, () => {
  it('retries a create through 503s and creates exactly one connection once the database is back', async () => {
    const port = await freePort();
    dynamo = await startDynamoDbLocal({ dataDir, port });
    server = await spawnLocalServer({ LOCAL_JWT_SECRET: secret, DYNAMODB_ENDPOINT: dynamo.endpoint });
    const retries: { attempt: number; delayMs: number; reason: string }[] = [];
    const rc = new ResourceConnections({
      baseUrl: server.url,
      project: 'drill',
      environment: 'client',
      token: () => mintToken({ projects: ['drill/*'] }, secret),
      retry: { attempts: 30, totalMs: 90_000, maxDelayMs: 2_000, onRetry: (info) => retries.push(info) },
    });
    const pair = {
      sourceResourceType: 'terminal',
      sourceResourceId: 't-1',
      targetResourceType: 'instance',
      targetResourceId: 'i-1',
    } as const;
    await rc.connections.create({ ...pair, sourceResourceId: 't-0' }); // the table exists and answers

    await dynamo.stop();
    const creating = rc.connections.create(pair, { idempotencyKey: 'outage-create-1' });
    while (!retries.some((r) => r.reason === 'HTTP 503')) await new Promise((resolve) => setTimeout(resolve, 100));
    dynamo = await startDynamoDbLocal({ dataDir, port });
    const created = await creating;

    expect(created).toMatchObject({ ...pair, status: 'pending', version: 1 });
    expect(retries[0]!.reason).toBe('HTTP 503');
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(2_000); // the service's Retry-After: 2
    const live = await rc.connections.list({ sourceResourceType: 'terminal', sourceResourceId: 't-1' }).toArray();
    expect(live.map((c) => c.id)).toEqual([created.id]);
    // The same key again (a caller's own retry) answers the same connection and creates nothing.
    expect(await rc.connections.create(pair, { idempotencyKey: 'outage-create-1' })).toEqual(created);
    console.log(
      `client outage: create succeeded after ${retries.length} retries (${retries.map((r) => r.reason).join(', ')})`,
    );
  });
});
