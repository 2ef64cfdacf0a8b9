/**
 * The HTTP API as deployed: every route of the route table with its authorizer and scope, the
 * public service routes without one, throttling and JSON access logs on the default stage.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes.ts';
import { routeKey } from '../../functions/route-table/shape.ts';
import {
  resourcesOfType,
  synthesize,
  SYNTH_TIMEOUT,
  TEST_AUDIENCE,
  TEST_ISSUER,
  type Synthesized,
} from './support/synth.ts';

/** docs/api.md's service routes, the topology page, and the catch-all that answers unmatched paths with a 404 problem. */
const PUBLIC_ROUTE_KEYS = [
  'GET /health',
  'GET /openapi.json',
  'GET /connection-rules',
  'GET /realtime',
  'GET /topology',
  'GET /topology/{asset}',
  '$default',
];

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
}, SYNTH_TIMEOUT);

const routeByKey = (key: string) => {
  const found = Object.entries(resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Route')).filter(
    ([, route]) => route.Properties?.RouteKey === key,
  );
  expect(found, `exactly one route ${key}`).toHaveLength(1);
  return found[0]![1].Properties!;
};

describe('authorizer', () => {
  it('checks JWTs from the Authorization header against the issuer and audience given at deploy time', () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: TEST_ISSUER, Audience: [TEST_AUDIENCE] },
    });
  });

  it('takes a comma-separated audience list from context', () => {
    const other = synthesize({ context: { jwtIssuer: 'https://login.example.org/tenant', jwtAudience: 'a, b' } });
    other.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: 'https://login.example.org/tenant', Audience: ['a', 'b'] },
    });
  });
});

describe.each(ROUTES.map((route) => [routeKey(route), route] as const))('route %s', (key, route) => {
  it(route.scope ? `needs a JWT with scope ${route.scope}` : 'is public', () => {
    const properties = routeByKey(key);
    if (route.scope) {
      expect(properties.AuthorizationType).toBe('JWT');
      expect(properties.AuthorizerId).toEqual({ Ref: synth.logicalId(findAuthorizer()) });
      expect(properties.AuthorizationScopes).toEqual([route.scope]);
    } else {
      expect(properties.AuthorizationType).toBe('NONE');
      expect(properties.AuthorizationScopes).toBeUndefined();
    }
  });

  it('invokes its own function', () => {
    const target = routeByKey(key).Target as { 'Fn::Join': [string, unknown[]] };
    const integrationId = (target['Fn::Join'][1][1] as { Ref: string }).Ref;
    const fn = synth.stack.functions.get(route.id)!;
    const integrations = synth.template.findResources('AWS::ApiGatewayV2::Integration', {
      Properties: {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [synth.logicalId(fn), 'Arn'] },
      },
    });
    expect(Object.keys(integrations)).toEqual([integrationId]);
  });
});

function findAuthorizer() {
  return synth.stack.api.httpApi.node.findChild('JwtAuthorizer');
}

it('leaves exactly the service routes, the page and the catch-all public', () => {
  const publicRoutes = Object.values(resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Route'))
    .filter((route) => route.Properties?.AuthorizationType !== 'JWT')
    .map((route) => String(route.Properties?.RouteKey));
  expect(publicRoutes.sort()).toEqual([...PUBLIC_ROUTE_KEYS].sort());
});

it('puts every /api route behind the authorizer', () => {
  const apiRoutes = ROUTES.filter((route) => route.path.startsWith('/api/'));
  expect(apiRoutes.length).toBeGreaterThan(0);
  for (const route of apiRoutes) expect(route.scope, route.id).toMatch(/^connections:(read|write)$/);
});

describe('default stage', () => {
  it('deploys automatically and gives each data route a platform-sized rate and burst, from context, and per-route metrics', () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000, DetailedMetricsEnabled: true },
    });
    const tuned = synthesize({ context: { throttleRateLimit: '700', throttleBurstLimit: '1400' } });
    tuned.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 700, ThrottlingBurstLimit: 1400 },
    });
  });

  it('limits every unauthenticated route and $default apart, so they cannot use up the data routes', () => {
    const stage = Object.values(resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Stage'))[0]!;
    const settings = stage.Properties!.RouteSettings as Record<string, Record<string, number>>;
    expect(Object.keys(settings).sort()).toEqual([...PUBLIC_ROUTE_KEYS].sort());
    for (const limits of Object.values(settings)) {
      expect(limits).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100, DetailedMetricsEnabled: true });
    }
    // The route settings name routes that must exist before the stage that holds them.
    const routeIds = Object.entries(resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Route'))
      .filter(([, route]) => PUBLIC_ROUTE_KEYS.includes(String(route.Properties?.RouteKey)))
      .map(([id]) => id);
    expect([stage.DependsOn].flat()).toEqual(expect.arrayContaining(routeIds));

    const tuned = synthesize({ context: { publicRateLimit: '5', publicBurstLimit: '10' } });
    const tunedStage = Object.values(resourcesOfType(tuned.template, 'AWS::ApiGatewayV2::Stage'))[0]!;
    for (const limits of Object.values(tunedStage.Properties!.RouteSettings as Record<string, unknown>)) {
      expect(limits).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10, DetailedMetricsEnabled: true });
    }
  });

  it('writes one JSON access-log line per request to a log group with retention', () => {
    const stage = Object.values(resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Stage'))[0]!;
    const settings = stage.Properties!.AccessLogSettings as { DestinationArn: unknown; Format: string };
    const logGroupId = synth.logicalId(synth.stack.api.accessLogGroup);
    expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': [logGroupId, 'Arn'] });
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      routeKey: '$context.routeKey',
    });
    expect(JSON.stringify(format)).not.toMatch(/authorization|\$context\.requestBody/i);
    synth.of(synth.stack.api.accessLogGroup).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });
});

it("lets API Gateway invoke each function only on its own route's path", () => {
  const permissions = Object.values(resourcesOfType(synth.template, 'AWS::Lambda::Permission'));
  for (const route of ROUTES) {
    const fnId = synth.logicalId(synth.stack.functions.get(route.id)!);
    const mine = permissions.filter((p) => JSON.stringify(p.Properties?.FunctionName).includes(fnId));
    expect(mine, route.id).toHaveLength(1);
    expect(mine[0]!.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
    });
    const sourceArn = JSON.stringify(mine[0]!.Properties!.SourceArn);
    expect(sourceArn).toContain(`{"Ref":"${synth.logicalId(synth.stack.api.httpApi)}"}`);
    // Any stage and method, but only this path: the grant HttpLambdaIntegration makes per route
    // (the catch-all has no path of its own).
    const path = route.path === '$default' ? '' : route.path;
    expect(sourceArn.endsWith(`/*/*${path}"]]}`), sourceArn).toBe(true);
  }
});
