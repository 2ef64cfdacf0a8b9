/**
 * The functions: one per route of the route table, all made by the house construct (runtime,
 * architecture, timeout, log group) with the environment their handler reads.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { routeById, ROUTES } from '../../functions/routes.ts';
import { touchesTable, type Route } from '../../functions/route-table/shape.ts';
import { synthesize, SYNTH_TIMEOUT, type Synthesized } from './support/synth.ts';

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
}, SYNTH_TIMEOUT);

const LAMBDA = 'AWS::Lambda::Function';
/** The template of the route's function alone. */
const fnOf = (route: Route, of = synth) => of.of(of.stack.functions.get(route.id)!);

describe.each(ROUTES.map((route) => [route.id, route] as const))('%s function', (_id, route) => {
  it('runs Node.js 24 or newer on arm64, with a timeout under API Gateway’s 30 s', () => {
    fnOf(route).hasResourceProperties(LAMBDA, {
      Runtime: Match.stringLikeRegexp('^nodejs(2[4-9]|[3-9]\\d)\\.x$'),
      Architectures: ['arm64'],
      MemorySize: 1024,
      Handler: 'index.handler',
    });
    const timeout = (route as Route).timeoutSeconds ?? 10;
    expect(timeout).toBeLessThan(30);
    fnOf(route).hasResourceProperties(LAMBDA, { Timeout: timeout });
  });

  it('logs to its own log group, which has a retention period', () => {
    const fn = synth.stack.functions.get(route.id)!;
    fnOf(route).hasResourceProperties(LAMBDA, { LoggingConfig: { LogGroup: { Ref: synth.logicalId(fn.logGroup) } } });
    synth.of(fn.logGroup).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('reports as the service in logs and metrics', () => {
    fnOf(route).hasResourceProperties(LAMBDA, {
      Environment: {
        Variables: {
          POWERTOOLS_SERVICE_NAME: 'resource-connections',
          POWERTOOLS_METRICS_NAMESPACE: 'ResourceConnections',
        },
      },
    });
  });

  if (!touchesTable(route.data)) {
    it('gets no table and no paging key: it never reads data', () => {
      fnOf(route).hasResourceProperties(LAMBDA, {
        Environment: { Variables: { TABLE_NAME: Match.absent(), PAGE_TOKEN_SECRET: Match.absent() } },
      });
    });
  } else if (route.data.pageTokens) {
    it('gets the table name and the paging key as a Secrets Manager dynamic reference, not a literal', () => {
      const secretId = synth.logicalId(synth.stack.node.findChild('PageTokenSecret').node.findChild('Secret'));
      fnOf(route).hasResourceProperties(LAMBDA, {
        Environment: {
          Variables: {
            TABLE_NAME: { Ref: synth.logicalId(synth.stack.table.table) },
            PAGE_TOKEN_SECRET: {
              'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']],
            },
          },
        },
      });
    });
  } else {
    it('gets the table name and not the paging key: it never pages', () => {
      fnOf(route).hasResourceProperties(LAMBDA, {
        Environment: {
          Variables: {
            TABLE_NAME: { Ref: synth.logicalId(synth.stack.table.table) },
            PAGE_TOKEN_SECRET: Match.absent(),
          },
        },
      });
    });
  }
});

it('caps the graph and the cascade, as their entries in the route table say, and no other route function', () => {
  const capped = ROUTES.filter(
    (route) =>
      Object.keys(fnOf(route).findResources(LAMBDA, { Properties: { ReservedConcurrentExecutions: Match.anyValue() } }))
        .length > 0,
  );
  expect(capped.map((route) => [route.id, (route as Route).concurrency?.setting])).toEqual([
    ['deleteResourceConnections', 'cascadeConcurrency'],
    ['getGraph', 'graphConcurrency'],
  ]);
  for (const route of capped) fnOf(route).hasResourceProperties(LAMBDA, { ReservedConcurrentExecutions: 10 });

  const tuned = synthesize({ context: { graphConcurrency: '4', cascadeConcurrency: 3 } });
  fnOf(routeById('getGraph'), tuned).hasResourceProperties(LAMBDA, { ReservedConcurrentExecutions: 4 });
  fnOf(routeById('deleteResourceConnections'), tuned).hasResourceProperties(LAMBDA, {
    ReservedConcurrentExecutions: 3,
  });
});

it('takes each cap from the route table: a route given a cap of its own gets it, under its own setting', () => {
  const capped = ROUTES.map((route): Route =>
    route.id === 'getConnection' ? { ...route, concurrency: { setting: 'getConcurrency', default: 7 } } : route,
  );
  const template = synthesize({ routes: capped, context: { getConcurrency: '2' } });
  fnOf(routeById('getConnection'), template).hasResourceProperties(LAMBDA, { ReservedConcurrentExecutions: 2 });
});

it('generates the paging key in Secrets Manager', () => {
  synth.template.hasResourceProperties('AWS::SecretsManager::Secret', {
    GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
  });
});

it('points the functions at another DynamoDB only when asked (LocalStack)', () => {
  const data = ROUTES.find((route) => touchesTable(route.data))!;
  fnOf(data).hasResourceProperties(LAMBDA, { Environment: { Variables: { DYNAMODB_ENDPOINT: Match.absent() } } });
  const local = synthesize({ context: { dynamoDbEndpoint: 'http://localhost.localstack.cloud:4566' } });
  fnOf(data, local).hasResourceProperties(LAMBDA, {
    Environment: { Variables: { DYNAMODB_ENDPOINT: 'http://localhost.localstack.cloud:4566' } },
  });
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
