/**
 * The cascade as deployed, held to its role like every bundle (data-access.test.ts): it deletes
 * every connection of a resource, large details included, also the one a PATCH changed between
 * the cascade's read and its delete. The race is made certain by an IAM gate of this file's own,
 * which holds the cascade's writes until the PATCH is in: the lost condition is DynamoDB's own
 * answer, and the re-read that follows is the GetItem the cascade's role grants for it.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Gate } from '../../testkit/iam/gate.ts';
import type { Template } from '../../testkit/iam/policy.ts';
import type { LambdaProcess } from '../../testkit/lambda-process.ts';
import { gatewayEvent } from '../../local/gateway.ts';
import { routeById } from '../../functions/routes.ts';
import { call, startFunction, template } from './support/deployed.ts';
import { startGate } from './support/iam.ts';
import { jsonBody, SCOPES, startRoutes, type RunningRoutes } from './support/routes.ts';

const SMALL = { port: 5432 };
/** Over the 200 bytes kept in the connection item. */
const LARGE = { runbook: 'https://runbooks.example.com/'.padEnd(300, 'x'), port: 5432 };

let routes: RunningRoutes;
beforeAll(async () => {
  routes = await startRoutes(['createConnection', 'updateConnection', 'getConnection'], {
    project: 'iam',
    environment: `cascade-${Date.now().toString(36)}`,
  });
}, 120_000);
afterAll(() => routes?.stop());

async function create(source: string, details: object) {
  const body = {
    sourceResourceType: 'application',
    sourceResourceId: source,
    targetResourceType: 'instance',
    targetResourceId: 'i-cascade',
    details,
  };
  const answer = await routes.send('createConnection', `${routes.base}/resource-connections`, jsonBody(body));
  expect(answer.statusCode, answer.body).toBe(201);
  return answer.json() as { id: string };
}

const path = (id: string) => `${routes.base}/resource-connections/${id}`;

describe('the cascade', () => {
  let gate: Gate;
  let cascade: LambdaProcess;
  /** While set, the cascade's writes wait at the gate until it is resolved. */
  let held: { arrived: () => void; release: Promise<void> } | undefined;

  beforeAll(async () => {
    gate = await startGate(template() as unknown as Template, {
      upstream: inject('deployedDynamoDbEndpoint'),
      streamArn: inject('deployedStreamArn'),
      usageDir: inject('iamUsageDir'),
      file: 'dynamodb-cascade',
      beforeForward: async (caller, request) => {
        if (!held || caller.name !== 'delete-resource-connections' || !request.target?.endsWith('.TransactWriteItems'))
          return;
        held.arrived();
        await held.release;
      },
    });
    cascade = await startFunction(routeById('deleteResourceConnections').handler, { DYNAMODB_ENDPOINT: gate.endpoint });
  });
  afterAll(async () => {
    await cascade?.stop();
    await gate?.close();
  });

  const cascadeOf = (resourceId: string) =>
    call(
      cascade,
      gatewayEvent({
        route: routeById('deleteResourceConnections'),
        path: `${routes.base}/resources/instance/${resourceId}/connections`,
        claims: routes.claims,
        scopes: SCOPES,
      }),
    );

  it('deletes every connection of a resource, a change that won a race with it included', async () => {
    const made = await Promise.all(
      ['app-c1', 'app-c2', 'app-c3'].map((source, i) => create(source, i ? LARGE : SMALL)),
    );
    let arrived!: () => void;
    let release!: () => void;
    const first = new Promise<void>((resolve) => (arrived = resolve));
    held = { arrived, release: new Promise<void>((resolve) => (release = resolve)) };
    const running = cascadeOf('i-cascade');
    try {
      // The cascade has read the connections and sent its deletes; one of them changes first.
      await first;
      const patched = await routes.send(
        'updateConnection',
        path(made[1]!.id),
        jsonBody({ status: 'connecting' }, 'application/merge-patch+json'),
      );
      expect(patched.statusCode, patched.body).toBe(200);
    } finally {
      held = undefined;
      release();
    }
    const answer = await running;
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toEqual({ deleted: 3, complete: true });
    const raced = await routes.send('getConnection', path(made[1]!.id), { rawQueryString: 'includeDeleted=true' });
    expect(raced.json()).toMatchObject({ status: 'connecting', version: 3, details: LARGE });
    expect((raced.json() as { deletedAt?: string }).deletedAt).toBeDefined();
  });
});
