/**
 * The whole service in one stack: the table (and the paging-token key), one function and one API
 * route per entry of the route table, the change-stream publisher and its event bus, and the alarms
 * and dashboard. One stack keeps `cdk deploy` a single step with no cross-stack exports pinning the
 * table or its stream; the table is safe on its own (deletion protection, Retain, PITR), so deleting
 * or replacing the stack never takes the data.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ROUTES } from '../functions/routes.ts';
import { timeoutSecondsOf, writes, type Route } from '../functions/route-table/shape.ts';
import { ConnectionEvents } from './connection-events.ts';
import { ConnectionWatch } from './connection-watch.ts';
import { ConnectionsApi } from './connections-api.ts';
import { ConnectionsTable } from './connections-table.ts';
import { bindDataAccess, type DataBinding } from './data-access.ts';
import { DeadlineSweep } from './deadline-sweep.ts';
import { PageTokenSecret } from './page-token-secret.ts';
import { ServiceFunction } from './service-function.ts';
import { ServiceMonitoring } from './service-monitoring.ts';
import type { ServiceSettings } from './settings.ts';

export interface ResourceConnectionsStackProps extends StackProps {
  readonly settings: ServiceSettings;
  /** The routes to deploy. @default ROUTES, the one route table */
  readonly routes?: readonly Route[];
}

export class ResourceConnectionsStack extends Stack {
  public readonly table: ConnectionsTable;
  public readonly api: ConnectionsApi;
  /** Each route's function, by route id. */
  public readonly functions = new Map<string, ServiceFunction>();
  public readonly events: ConnectionEvents;
  /** Watching changes: the AppSync Events API the publisher also publishes to. */
  public readonly watch: ConnectionWatch;
  public readonly deadlines: DeadlineSweep;
  public readonly monitoring: ServiceMonitoring;

  constructor(scope: Construct, id: string, props: ResourceConnectionsStackProps) {
    super(scope, id, props);
    const { settings } = props;

    this.table = new ConnectionsTable(this, 'Connections', { warmThroughput: settings.warmThroughput });
    // Every function that changes connections sets their expiry when it deletes one or writes history.
    const retention = {
      DELETED_RETENTION_DAYS: String(settings.retentionDays.deleted),
      HISTORY_RETENTION_DAYS: String(settings.retentionDays.history),
    };
    const pageTokenSecret = new PageTokenSecret(this, 'PageTokenSecret');
    this.api = new ConnectionsApi(this, 'Api', {
      jwtIssuer: settings.jwtIssuer,
      jwtAudience: settings.jwtAudience,
      throttleRateLimit: settings.throttleRateLimit,
      throttleBurstLimit: settings.throttleBurstLimit,
      publicRateLimit: settings.publicRateLimit,
      publicBurstLimit: settings.publicBurstLimit,
      accessLogRetention: settings.logRetention,
    });

    this.watch = new ConnectionWatch(this, 'Watch', {
      jwtIssuer: settings.jwtIssuer,
      jwtAudience: settings.jwtAudience,
      logRetention: settings.logRetention,
    });

    const data: DataBinding = {
      table: this.table,
      pageTokenSecret: pageTokenSecret.value,
      dynamoDbEndpoint: settings.dynamoDbEndpoint,
      shardGrowth: settings.shardGrowth,
    };
    const routes = (props.routes ?? ROUTES) as readonly Route[];
    for (const route of routes) {
      const fn = new ServiceFunction(this, `${route.id}Function`, {
        handlerModule: route.handler,
        description: `${route.method} ${route.path}: ${route.summary}`,
        memorySize: settings.functionMemoryMb,
        logRetention: settings.logRetention,
        timeout: Duration.seconds(timeoutSecondsOf(route)),
        webPage: route.webPage,
        reservedConcurrentExecutions:
          route.concurrency && (settings.concurrency[route.concurrency.setting] ?? route.concurrency.default),
      });
      bindDataAccess(fn, route.data, data);
      if (writes(route.data)) {
        // A change that enters pending or connecting sets the deadline from these (store/client.ts).
        fn.addEnvironment('PENDING_DEADLINE_SECONDS', String(settings.deadlineSeconds.pending));
        fn.addEnvironment('CONNECTING_DEADLINE_SECONDS', String(settings.deadlineSeconds.connecting));
        for (const [name, value] of Object.entries(retention)) fn.addEnvironment(name, value);
      }
      if (route.id === 'getRealtime') {
        // Clients discover the real-time endpoint from the service itself.
        fn.addEnvironment('REALTIME_URL', this.watch.realtimeUrl);
        fn.addEnvironment('REALTIME_HOST', this.watch.httpHost);
      }
      this.api.addRoute(route, fn);
      this.functions.set(route.id, fn);
    }

    this.events = new ConnectionEvents(this, 'Events', {
      table: this.table.table,
      memorySize: settings.functionMemoryMb,
      logRetention: settings.logRetention,
      reservedConcurrency: settings.publisherReservedConcurrency,
      batchingWindowSeconds: settings.publisherBatchingWindowSeconds,
    });

    // Each event also goes to its environment's channel, at most once: see functions/events/channels.ts.
    this.watch.grantPublish(this.events.publisher);
    this.events.publisher.addEnvironment('WATCH_PUBLISH_URL', this.watch.publishUrl);

    this.deadlines = new DeadlineSweep(this, 'Deadlines', {
      data,
      batchLimit: settings.sweepBatchLimit,
      writerEnvironment: retention,
      memorySize: settings.functionMemoryMb,
      logRetention: settings.logRetention,
    });

    this.monitoring = new ServiceMonitoring(this, 'Monitoring', {
      stage: this.api.stage,
      routes: routes.map((route) => ({ route, fn: this.functions.get(route.id)! })),
      streamConsumer: this.events.publisher,
      streamDeadLetters: this.events.deadLetters,
      deadlineSweep: this.deadlines,
      table: this.table.table,
      alarmTopic: settings.alarmTopicArn ? Topic.fromTopicArn(this, 'AlarmTopic', settings.alarmTopicArn) : undefined,
    });

    new CfnOutput(this, 'ApiUrl', {
      value: this.api.url,
      description: 'Base URL of the API (API_URL for npm run test:api)',
    });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName, description: 'The connections table' });
    new CfnOutput(this, 'EventBusName', {
      value: this.events.bus.eventBusName,
      description: 'Subscribe to connection events here',
    });
    new CfnOutput(this, 'RealtimeUrl', {
      value: this.watch.realtimeUrl,
      description: 'Watch changes here (clients find it at GET /realtime)',
    });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.monitoring.alarmTopic.topicArn,
      description: 'Every alarm notifies this topic: subscribe the on-call to it',
    });
  }
}
