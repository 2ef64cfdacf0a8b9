/**
 * The HTTP API: a JWT authorizer for every /api route (with the route's scope), the public service
 * routes without one, and a default stage with throttling and JSON access logs.
 */
import { Validations, type CfnResource } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnStage,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { routeKey, type Route } from '../functions/route-table/shape.ts';

export interface ConnectionsApiProps {
  /** The `iss` the tokens must carry, an https URL whose /.well-known/openid-configuration API Gateway reads. */
  readonly jwtIssuer: string;
  /** The accepted `aud` values (for Cognito access tokens, `client_id`). */
  readonly jwtAudience: readonly string[];
  /** Steady-state requests per second of each route: the stage default, which the data routes use. @default 500 */
  readonly throttleRateLimit?: number;
  /** Requests allowed in a burst above the rate. @default 1000 */
  readonly throttleBurstLimit?: number;
  /**
   * Steady-state requests per second of each unauthenticated route (health, OpenAPI document,
   * rules, the topology page and its files) and of `$default`, set apart from the stage default so
   * anonymous traffic cannot use up what the data routes are given. @default 50
   */
  readonly publicRateLimit?: number;
  /** @default 100 */
  readonly publicBurstLimit?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly accessLogRetention?: RetentionDays;
}

/** One JSON object per request: what an operator needs to trace a call, and no token or body. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    httpMethod: '$context.httpMethod',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    subject: '$context.authorizer.claims.sub',
  }),
);

export class ConnectionsApi extends Construct {
  public readonly httpApi: HttpApi;
  public readonly stage: HttpStage;
  public readonly authorizer: HttpJwtAuthorizer;
  public readonly accessLogGroup: LogGroup;
  /** The routes added so far, by route id. */
  public readonly routes = new Map<string, HttpRoute>();
  private readonly publicThrottle: {
    ThrottlingRateLimit: number;
    ThrottlingBurstLimit: number;
    DetailedMetricsEnabled: boolean;
  };
  private readonly publicRouteSettings: Record<string, object> = {};

  constructor(scope: Construct, id: string, props: ConnectionsApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Resource Connections API',
      // The default stage is created below, where throttling and access logs can be set.
      createDefaultStage: false,
    });
    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_MONTH,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRateLimit ?? 500, burstLimit: props.throttleBurstLimit ?? 1000 },
      // Per-route metrics: each route's 5xx alarm and latency graph read them.
      detailedMetricsEnabled: true,
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogGroup), format: ACCESS_LOG_FORMAT },
    });
    this.publicThrottle = {
      ThrottlingRateLimit: props.publicRateLimit ?? 50,
      ThrottlingBurstLimit: props.publicBurstLimit ?? 100,
      // Stated on the route's own settings as well as on the stage default's.
      DetailedMetricsEnabled: true,
    };
    // One entry per public route, added as routes are (the object is read when the stack is synthesized).
    (this.stage.node.defaultChild as CfnStage).routeSettings = this.publicRouteSettings;
    this.authorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.jwtIssuer, {
      jwtAudience: [...props.jwtAudience],
      identitySource: ['$request.header.Authorization'],
    });
  }

  /** The URL callers use: the default stage at the root of the execute-api endpoint. */
  get url(): string {
    return this.stage.url;
  }

  /** Adds one route of the route table, integrated with its function. */
  addRoute(route: Route, fn: IFunction): HttpRoute {
    const httpRoute = new HttpRoute(this, route.id, {
      httpApi: this.httpApi,
      routeKey:
        route.path === '$default' ? HttpRouteKey.DEFAULT : HttpRouteKey.with(route.path, HttpMethod[route.method]),
      integration: new HttpLambdaIntegration(`${route.id}Integration`, fn),
      ...(route.scope
        ? { authorizer: this.authorizer, authorizationScopes: [route.scope] }
        : { authorizer: new HttpNoneAuthorizer() }),
    });
    if (!route.scope) {
      this.publicRouteSettings[routeKey(route)] = this.publicThrottle;
      // Route settings name a route that must exist first.
      this.stage.node.addDependency(httpRoute);
      Validations.of(httpRoute.node.defaultChild as CfnResource).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          route.path === '$default'
            ? 'The catch-all route answers every unmatched method and path with a 404 problem+json, as the contract asks; it reads no data and has nothing to authorize.'
            : route.webPage
              ? `${route.method} ${route.path} serves the files of the public topology page the API contract defines; they hold no data (the page calls the graph route with the user's own token).`
              : `${route.method} ${route.path} is one of the unauthenticated service routes the API contract defines (health, OpenAPI document, connection rules, real-time endpoint); it reads no stored data.`,
      });
    }
    this.routes.set(route.id, httpRoute);
    return httpRoute;
  }
}
