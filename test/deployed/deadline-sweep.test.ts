/**
 * The deadline sweep as deployed: its cdk.out bundle in its own process with its template's
 * environment, invoked with the event an EventBridge schedule delivers, against DynamoDB Local. A
 * connection made by the deployed create function with a 5 s deadline is failed by it, as
 * system:deadline, and the deployed get and history functions show it so.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { gatewayEvent } from '../../local/gateway.ts';
import { tokenClaims } from '../../testkit/gateway-events.ts';
import type { LambdaProcess } from '../../testkit/lambda-process.ts';
import { routeById, type RouteId } from '../../functions/routes.ts';
import { call, deployedFunction, startFunction } from './support/deployed.ts';

const ENV = `sweep-${Date.now().toString(36)}`;
const BASE = `/api/deployed/${ENV}/resource-connections`;
const SCOPES = ['connections:read', 'connections:write'];
const claims = tokenClaims({ projects: [`deployed/${ENV}`], scopes: SCOPES });

/** What an EventBridge rule's schedule hands its target. */
const SCHEDULED_EVENT = {
  version: '0',
  id: '89d1a02d-5ec7-412e-82f5-13505f849b41',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: new Date().toISOString(),
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:123456789012:rule/ResourceConnections-DeadlinesSchedule'],
  detail: {},
};

const LARGE = { runbook: 'r'.repeat(300) };
const running = new Map<string, LambdaProcess>();
const ROUTE_IDS: RouteId[] = ['createConnection', 'getConnection', 'getConnectionHistory'];

beforeAll(async () => {
  const started = await Promise.all([
    ...ROUTE_IDS.map(async (id) => [id, await startFunction(routeById(id).handler)] as const),
    startFunction('sweep-deadlines').then((fn) => ['sweep', fn] as const),
  ]);
  for (const [id, fn] of started) running.set(id, fn);
}, 120_000);

afterAll(async () => {
  await Promise.all([...running.values()].map((fn) => fn.stop()));
});

const send = (id: RouteId, path: string, body?: unknown) =>
  call(
    running.get(id)!,
    gatewayEvent({
      route: routeById(id),
      path,
      claims,
      scopes: SCOPES,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    }),
  );

it('is deployed with the table, and neither the paging key (it never pages) nor deadline defaults', () => {
  const { environment } = deployedFunction('sweep-deadlines');
  expect(Object.keys(environment)).toEqual(expect.arrayContaining(['TABLE_NAME', 'POWERTOOLS_SERVICE_NAME']));
  expect(environment).not.toHaveProperty('PAGE_TOKEN_SECRET');
  expect(environment).not.toHaveProperty('PENDING_DEADLINE_SECONDS');
});

it('fails a connection whose deadline passed, as system:deadline, when the schedule invokes it', async () => {
  const created = await send('createConnection', BASE, {
    sourceResourceType: 'terminal',
    sourceResourceId: 'ssh-sweep',
    targetResourceType: 'instance',
    targetResourceId: 'i-sweep',
    deadlineSeconds: 5,
    // Over 200 bytes: the sweep reads them beside the connection, as any change does.
    details: LARGE,
  });
  expect(created.statusCode, created.body).toBe(201);
  const connection = created.json() as { id: string; createdAt: string; statusDeadline: string };
  await new Promise((resolve) => setTimeout(resolve, Date.parse(connection.statusDeadline) - Date.now() + 50));

  const run = await running.get('sweep')!.invoke(SCHEDULED_EVENT);

  expect(run.error).toBeUndefined();
  expect(run.result).toMatchObject({ backlog: 0, errors: 0 });
  expect((run.result as { failed: number }).failed).toBeGreaterThanOrEqual(1);
  const got = await send('getConnection', `${BASE}/${connection.id}`);
  expect(got.json()).toMatchObject({
    status: 'failed',
    statusReason: `deadline passed: pending since ${connection.createdAt}`,
    updatedBy: 'system:deadline',
    version: 2,
    details: LARGE,
  });
  expect(got.headers.etag).toBe('"2"');
  const history = (await send('getConnectionHistory', `${BASE}/${connection.id}/history`)).json() as {
    items: { actor: string }[];
  };
  expect(history.items).toHaveLength(2);
  expect(history.items[1]!.actor).toBe('system:deadline');
});

it('answers an empty run when nothing is due', async () => {
  const run = await running.get('sweep')!.invoke(SCHEDULED_EVENT);

  expect(run.error).toBeUndefined();
  expect(run.result).toMatchObject({ failed: 0, backlog: 0, errors: 0 });
});
