/**
 * The IAM gate of the bundle tests (testkit/iam/), against DynamoDB Local, with roles from the stack
 * synthesized in process: the store's own reads, signed as a function, are allowed or refused as
 * that function's role in the template says, with AWS's answer; and the least-privilege check names
 * a grant that no call used. Each template variant changes one route's grants, as a change to
 * functions/routes.ts would.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { readConnection } from '#store/patterns/change.ts';
import { ShardDirectory } from '#store/shards.ts';
import { DEFAULT_LAYOUT, DEFAULT_SHARD_GROWTH } from '#store/table-definition.ts';
import { getConnection, ROUTES } from '../../functions/routes.ts';
import { type ItemAction, type Route } from '../../functions/route-table/shape.ts';
import { accessKeyIdOf, deployedFunctions, LAMBDA_LOCATION, synthesizedTemplate } from '../../testkit/deployed.ts';
import { startIamGate, type Caller, type Gate, type Use } from '../../testkit/iam/gate.ts';
import { roleOf, type Template } from '../../testkit/iam/policy.ts';
import { rareGrantsOf } from '../../testkit/iam/rare-grants.ts';
import { refusedCalls, unusedGrants } from '../../testkit/iam/usage.ts';
import { freshScope, newRepository, tableName } from '../support/integration.ts';

const TABLE_ARN = `arn:aws:dynamodb:${LAMBDA_LOCATION.region}:${LAMBDA_LOCATION.account}:table/${tableName}`;
const LARGE = { runbook: 'r'.repeat(300) };

/** The stack with getConnection granted `data` instead of what the route table says. */
function templateWith(data: Partial<Route['data']>): Template {
  const routes = ROUTES.map((route): Route =>
    route.id === getConnection.id ? { ...route, data: { ...route.data, ...data } } : route,
  );
  return synthesizedTemplate(routes) as unknown as Template;
}

/** The get-connection function of that template as the gate's caller. */
function getConnectionCaller(template: Template): Caller {
  const fn = deployedFunctions(template as unknown as Record<string, unknown>, {
    TABLE_NAME: tableName,
    PAGE_TOKEN_SECRET: 's',
    EVENT_BUS_NAME: 'bus',
    WATCH_PUBLISH_URL: 'https://events.example/event',
    REALTIME_URL: 'wss://realtime.example/event/realtime',
    REALTIME_HOST: 'events.example',
  }).find((f) => f.name === 'get-connection')!;
  const values = { ...LAMBDA_LOCATION, names: { 'AWS::DynamoDB::Table': tableName } };
  return { name: fn.name, role: roleOf(template, fn.logicalId, values) };
}

const scope = freshScope();
let id: string;
beforeAll(async () => {
  const { connection } = await newRepository().create({
    scope,
    actor: 'seed',
    input: {
      sourceResourceType: 'application',
      sourceResourceId: 'app-iam',
      targetResourceType: 'instance',
      targetResourceId: 'i-iam',
      details: LARGE,
    },
  });
  id = connection.id;
});

/**
 * Reads the connection as get-connection does, through a gate holding it to that caller's role:
 * the connection, or the error as `<name>: <message>`.
 */
async function readThroughGate(caller: Caller): Promise<{ read: unknown; uses: Use[]; gate: Gate }> {
  const uses: Use[] = [];
  const gate = await startIamGate({
    ...LAMBDA_LOCATION,
    upstream: process.env.DYNAMODB_ENDPOINT!,
    callers: new Map([[accessKeyIdOf(caller.name), caller]]),
    onUse: (use) => uses.push(use),
  });
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: gate.endpoint,
      region: LAMBDA_LOCATION.region,
      credentials: { accessKeyId: accessKeyIdOf(caller.name), secretAccessKey: 'local', sessionToken: 'local' },
    }),
  );
  const shards = new ShardDirectory({ client, tableName }, DEFAULT_SHARD_GROWTH);
  const read = await readConnection({ client, tableName, layout: DEFAULT_LAYOUT, shards }, { scope, id }).catch(
    (error: Error) => ({
      error: `${error.name}: ${error.message}`,
      status: (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode,
    }),
  );
  return { read, uses, gate };
}

describe('a role without dynamodb:Query on the table', () => {
  let caller: Caller;
  beforeAll(() => {
    caller = getConnectionCaller(templateWith({ queries: [] }));
  }, 120_000);

  it('is refused the read of the connection and its details as AWS refuses it, naming the role, the action and the table', async () => {
    const { read, uses, gate } = await readThroughGate(caller);
    try {
      expect(read).toEqual({
        status: 400,
        error:
          `AccessDeniedException: User: arn:aws:sts::${LAMBDA_LOCATION.account}:assumed-role/${caller.role.name}/get-connection ` +
          `is not authorized to perform: dynamodb:Query on resource: ${TABLE_ARN} ` +
          'because no identity-based policy allows the dynamodb:Query action',
      });
      expect(caller.role.name).toMatch(/^ResourceConnections-getConnectionFunctionServiceRole/);
      expect(refusedCalls(uses)).toEqual([`get-connection: dynamodb:Query on ${TABLE_ARN}`]);
    } finally {
      await gate.close();
    }
  });
});

describe('the role the route table grants today', () => {
  let caller: Caller;
  beforeAll(() => {
    caller = getConnectionCaller(synthesizedTemplate() as unknown as Template);
  }, 120_000);

  it('reads the connection and its large details, and every grant was used', async () => {
    const { read, uses, gate } = await readThroughGate(caller);
    try {
      expect(read).toMatchObject({ id, details: LARGE });
      expect(refusedCalls(uses)).toEqual([]);
      // But the one a rare path needs (testkit/iam/rare-grants.ts).
      expect(unusedGrants([caller], uses, ['dynamodb'])).toEqual(rareGrantsOf(TABLE_ARN, ['get-connection']));
    } finally {
      await gate.close();
    }
  });
});

describe('a role granted an action nothing uses', () => {
  let caller: Caller;
  beforeAll(() => {
    const granted = [...(getConnection.data.items as readonly ItemAction[]), 'dynamodb:DeleteItem'] as const;
    caller = getConnectionCaller(templateWith({ items: granted }));
  }, 120_000);

  it('fails the least-privilege check, naming the function, the action and the resource', async () => {
    const { read, uses, gate } = await readThroughGate(caller);
    try {
      expect(read).toMatchObject({ id });
      expect(unusedGrants([caller], uses, ['dynamodb']).sort()).toEqual(
        [...rareGrantsOf(TABLE_ARN, ['get-connection']), `get-connection: dynamodb:DeleteItem on ${TABLE_ARN}`].sort(),
      );
    } finally {
      await gate.close();
    }
  });
});
