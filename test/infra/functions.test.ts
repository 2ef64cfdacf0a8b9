/**
 * The functions: one per route of the route table, all made by the house construct (runtime,
 * architecture, timeout, log group) with the environment their handler reads.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, touchesTable, type Route } from '../../functions/routes.ts';
import { synthesize, SYNTH_TIMEOUT, type Synthesized } from './support/synth.ts';

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
}, SYNTH_TIMEOUT);

const fnOf = (route: Route) => {
  const id = synth.logicalId(synth.stack.functions.get(route.id)!);
  return { id, properties: synth.template.toJSON().Resources[id].Properties as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- template JSON
};

describe.each(ROUTES.map((route) => [route.id, route] as const))('%s function', (_id, route) => {
  it('runs Node.js 22 or newer on arm64, with a timeout under API Gateway’s 30 s', () => {
    const { properties } = fnOf(route);
    expect(properties.Runtime).toMatch(/^nodejs(\d+)\.x$/);
    expect(Number(/^nodejs(\d+)/.exec(properties.Runtime)![1])).toBeGreaterThanOrEqual(22);
    expect(properties.Architectures).toEqual(['arm64']);
    expect(properties.Timeout).toBeLessThan(30);
    expect(properties.MemorySize).toBe(1024);
    expect(properties.Handler).toBe('index.handler');
  });

  it('logs to its own log group, which has a retention period', () => {
    const { properties } = fnOf(route);
    const logGroupId = (properties.LoggingConfig.LogGroup as { Ref: string }).Ref;
    const logGroup = synth.template.toJSON().Resources[logGroupId];
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties.RetentionInDays).toBe(30);
  });

  it('reports as the service in logs and metrics', () => {
    expect(fnOf(route).properties.Environment.Variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'resource-connections',
      POWERTOOLS_METRICS_NAMESPACE: 'ResourceConnections',
    });
  });

  if (!touchesTable(route.data)) {
    it('gets no table and no paging key: it never reads data', () => {
      const variables = fnOf(route).properties.Environment.Variables;
      expect(variables).not.toHaveProperty('TABLE_NAME');
      expect(variables).not.toHaveProperty('PAGE_TOKEN_SECRET');
    });
  } else {
    it('gets the table name and the paging key as a Secrets Manager dynamic reference, not a literal', () => {
      const variables = fnOf(route).properties.Environment.Variables;
      expect(variables.TABLE_NAME).toEqual({ Ref: synth.logicalId(synth.stack.table.table) });
      const secretId = synth.logicalId(synth.stack.node.findChild('PageTokenSecret').node.findChild('Secret'));
      expect(variables.PAGE_TOKEN_SECRET).toEqual({
        'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']],
      });
    });
  }
});

it('caps the graph function, whose neighbourhoods send the most Queries, and no other route function', () => {
  const capped = ROUTES.filter((route) => fnOf(route).properties.ReservedConcurrentExecutions !== undefined);
  expect(capped.map((route) => route.id)).toEqual(['getGraph']);
  expect(fnOf(capped[0]!).properties.ReservedConcurrentExecutions).toBe(10);

  const tuned = synthesize({ context: { graphConcurrency: '4' } });
  const graphId = tuned.logicalId(tuned.stack.functions.get('getGraph')!);
  expect(tuned.template.toJSON().Resources[graphId].Properties.ReservedConcurrentExecutions).toBe(4);
});

it('generates the paging key in Secrets Manager', () => {
  synth.template.hasResourceProperties('AWS::SecretsManager::Secret', {
    GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
  });
});

it('points the functions at another DynamoDB only when asked (LocalStack)', () => {
  const data = ROUTES.find((route) => touchesTable(route.data))!;
  expect(fnOf(data).properties.Environment.Variables).not.toHaveProperty('DYNAMODB_ENDPOINT');
  const local = synthesize({ context: { dynamoDbEndpoint: 'http://localhost.localstack.cloud:4566' } });
  const id = local.logicalId(local.stack.functions.get(data.id)!);
  expect(local.template.toJSON().Resources[id].Properties.Environment.Variables.DYNAMODB_ENDPOINT).toBe(
    'http://localhost.localstack.cloud:4566',
  );
});

it('adds a function, a route and its grants for a route added to the route table', () => {
  const added = ROUTES.find((route) => route.id === 'getConnection')!;
  const before = synthesize({ routes: ROUTES.filter((route) => route.id !== added.id) });
  expect(before.stack.functions.get(added.id)).toBeUndefined();
  const grown = synthesize({ routes: ROUTES });
  const fn = grown.stack.functions.get(added.id);
  expect(fn).toBeDefined();
  grown.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
    RouteKey: `GET ${added.path}`,
    AuthorizationScopes: ['connections:read'],
  });
  const roleId = grown.logicalId(fn!.role!);
  const policies = Object.values(grown.template.findResources('AWS::IAM::Policy')).filter((policy) =>
    JSON.stringify(policy.Properties.Roles).includes(roleId),
  );
  expect(JSON.stringify(policies)).toContain('dynamodb:GetItem');
  expect(JSON.stringify(policies)).not.toMatch(/dynamodb:(Put|Delete|Update)/);
});
