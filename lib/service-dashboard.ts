/**
 * The one dashboard: the API, then each route's latency, 5xx, errors and throttles, the deadline
 * sweep (runs, lateness, backlog), the publisher (iterator age, errors) and the table. Every graph
 * has its alarms (service-monitoring.ts).
 */
import { Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, type IMetric, type Metric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { PERIOD, routeMetric } from './service-metrics.ts';
import type { ServiceMonitoringProps } from './service-monitoring.ts';

export interface DashboardFigures extends Pick<
  ServiceMonitoringProps,
  'stage' | 'routes' | 'deadlineSweep' | 'streamConsumer'
> {
  /** Each route's 5xx answers, by route id (the alarms' own metrics). */
  readonly route5xx: ReadonlyMap<string, Metric>;
  /** The table's throttled requests and system errors, over the operations the functions send. */
  readonly tableMetrics: { readonly throttles: IMetric; readonly systemErrors: IMetric };
}

export function serviceDashboard(scope: Construct, figures: DashboardFigures): Dashboard {
  const { stage, routes } = figures;
  const dashboard = new Dashboard(scope, 'Dashboard', { defaultInterval: Duration.hours(3) });
  const graph = (title: string, left: IMetric[], width = 12, right: IMetric[] = []) =>
    new GraphWidget({ title, left, right, width });

  dashboard.addWidgets(
    new TextWidget({
      markdown: '# Resource Connections\nAPI, routes, deadline sweep, events and table; every graph has an alarm.',
      width: 24,
      height: 2,
    }),
  );
  dashboard.addWidgets(
    graph('API requests and errors', [
      stage.metricCount({ period: PERIOD, label: 'requests', statistic: 'Sum' }),
      stage.metricClientError({ period: PERIOD, label: '4xx' }),
      stage.metricServerError({ period: PERIOD, label: '5xx' }),
    ]),
    graph('API latency (p50, p99)', [
      stage.metricLatency({ period: PERIOD, statistic: 'p50', label: 'p50' }),
      stage.metricLatency({ period: PERIOD, statistic: 'p99', label: 'p99' }),
    ]),
  );
  dashboard.addWidgets(
    graph(
      'Latency by route (p99, ms)',
      routes.map(({ route }) => routeMetric(stage, route, 'Latency', 'p99').with({ label: route.id })),
    ),
    graph(
      '5xx by route',
      [...figures.route5xx].map(([id, metric]) => metric.with({ label: id })),
    ),
  );
  dashboard.addWidgets(
    graph(
      'Function errors by route',
      routes.map(({ route, fn }) => fn.metricErrors({ period: PERIOD, label: route.id })),
    ),
    graph(
      'Function throttles by route',
      routes.map(({ route, fn }) => fn.metricThrottles({ period: PERIOD, label: route.id })),
    ),
  );

  const sweep = figures.deadlineSweep;
  const consumer = figures.streamConsumer;
  dashboard.addWidgets(
    ...(sweep
      ? [
          graph(
            'Deadline sweep: runs, failed by it, left for the next run',
            [
              sweep.metricRuns({ period: PERIOD, label: 'runs' }),
              sweep.metricRuleFailures({ period: PERIOD, label: 'runs EventBridge could not start' }),
              sweep.function.metricErrors({ period: PERIOD, label: 'failed runs' }),
              sweep.metricEnforced({ label: 'failed by the sweep' }),
              sweep.metricBacklog({ label: 'backlog' }),
            ],
            12,
            [sweep.metricLateness({ label: 'latest past its deadline (s)' })],
          ),
        ]
      : []),
    ...(consumer
      ? [
          graph(
            'Event publishing: iterator age (ms) and failures',
            [consumer.metric('IteratorAge', { period: PERIOD, statistic: 'Maximum', label: 'iterator age' })],
            12,
            [
              consumer.metricErrors({ period: PERIOD, label: 'errors' }),
              consumer.metricThrottles({ period: PERIOD, label: 'throttles' }),
            ],
          ),
        ]
      : []),
  );
  dashboard.addWidgets(
    graph('DynamoDB throttled requests', [figures.tableMetrics.throttles]),
    graph('DynamoDB system errors', [figures.tableMetrics.systemErrors]),
  );
  return dashboard;
}
