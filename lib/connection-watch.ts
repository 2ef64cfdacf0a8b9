/**
 * Watching changes (docs/api.md): an AppSync Events API whose `connections` namespace has one
 * channel per environment. Subscribers connect and subscribe with the same JWT as the HTTP API
 * (OIDC: the stack's issuer, its audiences as the client id); the namespace's onSubscribe handler
 * (functions/realtime/subscribe-handler.js) lets a subscription through only when the token's
 * grants cover every environment the channel can match. Only IAM may publish: the stream
 * publisher, granted appsync:EventPublish on this namespace alone.
 */
import { Stack } from 'aws-cdk-lib';
import {
  AppSyncAuthorizationType,
  AppSyncFieldLogLevel,
  Code,
  type CfnApi,
  EventApi,
  type AppSyncAuthProvider,
  type ChannelNamespace,
} from 'aws-cdk-lib/aws-appsync';
import { Role, ServicePrincipal, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

/**
 * The channel namespace: functions/realtime/channels.js names it too (lib/ imports no runtime code;
 * test/infra/watch.test.ts checks the two agree).
 */
export const NAMESPACE = 'connections';
const HANDLER = fileURLToPath(new URL('../functions/realtime/subscribe-handler.js', import.meta.url));

/**
 * The namespace's handler code: subscribe-handler.js with channels.js bundled in, as AppSync's
 * JavaScript guide bundles it (ESM, @aws-appsync/utils left to the runtime).
 */
export function subscribeHandlerCode(): string {
  const out = buildSync({
    entryPoints: [HANDLER],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'esnext',
    external: ['@aws-appsync/utils'],
    legalComments: 'none',
    logLevel: 'error',
  });
  return out.outputFiles[0]!.text;
}

/** The `aud` values as the client id AppSync matches: a regular expression of alternatives. */
const clientIdPattern = (audiences: readonly string[]) =>
  audiences.map((audience) => `^${audience.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`).join('|');

export interface ConnectionWatchProps {
  /** The `iss` of the HTTP API's tokens. */
  readonly jwtIssuer: string;
  /** The accepted `aud` (Cognito: `client_id`) values. */
  readonly jwtAudience: readonly string[];
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

export class ConnectionWatch extends Construct {
  public readonly api: EventApi;
  public readonly namespace: ChannelNamespace;
  /** Where AppSync logs the API's errors (and the subscribe handler's refusals). */
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ConnectionWatchProps) {
    super(scope, id);
    const oidc: AppSyncAuthProvider = {
      authorizationType: AppSyncAuthorizationType.OIDC,
      openIdConnectConfig: { oidcProvider: props.jwtIssuer, clientId: clientIdPattern(props.jwtAudience) },
    };
    const iam: AppSyncAuthProvider = { authorizationType: AppSyncAuthorizationType.IAM };
    // Its own role and log group (with retention), as every function here has: AppSync's default
    // role carries a managed policy, and its default log group never expires.
    const logsRole = new Role(this, 'LogsRole', {
      assumedBy: new ServicePrincipal('appsync.amazonaws.com'),
      description: 'Lets the watch API write its own log group',
    });
    this.api = new EventApi(this, 'Api', {
      apiName: `${Stack.of(this).stackName}-watch`,
      authorizationConfig: {
        authProviders: [oidc, iam],
        connectionAuthModeTypes: [AppSyncAuthorizationType.OIDC],
        defaultPublishAuthModeTypes: [AppSyncAuthorizationType.IAM],
        defaultSubscribeAuthModeTypes: [AppSyncAuthorizationType.OIDC],
      },
    });
    // Set on the resource itself: the construct's logConfig adds a log-retention custom resource
    // (a Lambda function with a managed policy); this log group is the stack's own instead.
    (this.api.node.defaultChild as CfnApi).addPropertyOverride('EventConfig.LogConfig', {
      CloudWatchLogsRoleArn: logsRole.roleArn,
      LogLevel: AppSyncFieldLogLevel.ERROR,
    });
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/appsync/apis/${this.api.apiId}`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    this.logGroup.grantWrite(logsRole);
    this.namespace = this.api.addChannelNamespace(NAMESPACE, {
      channelNamespaceName: NAMESPACE,
      code: Code.fromInline(subscribeHandlerCode()),
      authorizationConfig: {
        publishAuthModeTypes: [AppSyncAuthorizationType.IAM],
        subscribeAuthModeTypes: [AppSyncAuthorizationType.OIDC],
      },
    });
  }

  /** Where subscribers connect (the WebSocket endpoint). */
  get realtimeUrl(): string {
    return `wss://${this.api.realtimeDns}/event/realtime`;
  }

  /** The host subscribers name in their authorization: the API's HTTP domain. */
  get httpHost(): string {
    return this.api.httpDns;
  }

  /** Where events are published (HTTP POST, SigV4-signed). */
  get publishUrl(): string {
    return `https://${this.api.httpDns}/event`;
  }

  /** appsync:EventPublish on this namespace, and nothing else. */
  grantPublish(grantee: IGrantable): void {
    this.namespace.grantPublish(grantee);
  }
}
