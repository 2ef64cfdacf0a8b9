/**
 * Alarms on what callers feel (API 5xx), what breaks in the functions (errors, throttles), what
 * the table refuses (throttles, system errors) and deadlines the sweep cannot keep up with, and one
 * dashboard with the same figures.
 */
import { Duration } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DeadlineSweep } from './deadline-sweep.ts';

/** The table operations the repository sends; the DynamoDB metrics are per operation. */
const TABLE_OPERATIONS = [Operation.GET_ITEM, Operation.QUERY, Operation.TRANSACT_WRITE_ITEMS];
const PERIOD = Duration.minutes(5);

export interface ServiceMonitoringProps {
  readonly stage: HttpStage;
  /** Each route's function, by route id. */
  readonly functions: ReadonlyMap<string, IFunction>;
  readonly table: Table;
  /** The function reading the table's stream: its errors, throttles and lag are alarmed too. @default - none */
  readonly streamConsumer?: IFunction;
  /** Where the stream consumer's failed records go: any message there alarms. @default - none */
  readonly streamDeadLetters?: IQueue;
  /** How far behind the stream the consumer may fall before it alarms. @default Duration.minutes(5) */
  readonly maxStreamLag?: Duration;
  /** Where alarms notify. @default - alarms change state without notifying anyone */
  readonly alarmTopic?: ITopic;
  /** 5xx answers in five minutes that raise the API alarm. @default 5 */
  readonly api5xxThreshold?: number;
  /** The deadline sweep: its errors, throttles and backlog are alarmed. @default - none */
  readonly deadlineSweep?: DeadlineSweep;
}

export class ServiceMonitoring extends Construct {
  public readonly alarms: Alarm[] = [];
  public readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ServiceMonitoringProps) {
    super(scope, id);
    const alarm = (alarmId: string, metric: IMetric, description: string, threshold = 1, evaluationPeriods = 1) => {
      const created = new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No traffic is not a failure.
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      if (props.alarmTopic) {
        created.addAlarmAction(new SnsAction(props.alarmTopic));
        created.addOkAction(new SnsAction(props.alarmTopic));
      }
      this.alarms.push(created);
      return created;
    };

    const api5xx = props.stage.metricServerError({ period: PERIOD });
    alarm(
      'Api5xx',
      api5xx,
      'The API answered 5xx: a bug (500) or the database unavailable (503).',
      props.api5xxThreshold ?? 5,
    );

    const errors: IMetric[] = [];
    const throttles: IMetric[] = [];
    for (const [routeId, fn] of props.functions) {
      const fnErrors = fn.metricErrors({ period: PERIOD });
      const fnThrottles = fn.metricThrottles({ period: PERIOD });
      alarm(`${routeId}Errors`, fnErrors, `The ${routeId} function failed (uncaught error or timeout).`);
      alarm(`${routeId}Throttles`, fnThrottles, `Lambda throttled the ${routeId} function: concurrency is exhausted.`);
      errors.push(fnErrors.with({ label: routeId }));
      throttles.push(fnThrottles.with({ label: routeId }));
    }

    let streamLag: IMetric | undefined;
    if (props.streamConsumer) {
      const consumer = props.streamConsumer;
      alarm(
        'StreamConsumerErrors',
        consumer.metricErrors({ period: PERIOD }),
        'The change-stream publisher failed; the stream retries it.',
      );
      alarm(
        'StreamConsumerThrottles',
        consumer.metricThrottles({ period: PERIOD }),
        'Lambda throttled the change-stream publisher.',
      );
      const lag = consumer.metric('IteratorAge', { period: PERIOD, statistic: 'Maximum' });
      alarm(
        'StreamConsumerLag',
        lag,
        'Connection events are falling behind the table: records left unpublished for 24 h are lost from the stream.',
        (props.maxStreamLag ?? Duration.minutes(5)).toMilliseconds(),
      );
      if (props.streamDeadLetters) {
        alarm(
          'StreamDeadLetters',
          props.streamDeadLetters.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
          'Connection changes could not be published after every retry: their stream records are in the dead-letter queue.',
        );
      }
      errors.push(consumer.metricErrors({ period: PERIOD, label: 'publisher' }));
      throttles.push(consumer.metricThrottles({ period: PERIOD, label: 'publisher' }));
      streamLag = lag;
    }

    const deadlineWidgets: GraphWidget[] = [];
    if (props.deadlineSweep) {
      const sweep = props.deadlineSweep;
      const sweepErrors = sweep.function.metricErrors({ period: PERIOD });
      const sweepThrottles = sweep.function.metricThrottles({ period: PERIOD });
      alarm(
        'DeadlineSweepErrors',
        sweepErrors,
        'A deadline sweep run failed; the next run starts again from the soonest due deadline.',
      );
      alarm('DeadlineSweepThrottles', sweepThrottles, 'Lambda throttled the deadline sweep.');
      errors.push(sweepErrors.with({ label: 'deadline sweep' }));
      throttles.push(sweepThrottles.with({ label: 'deadline sweep' }));
      // One run may leave a burst for the next; two in a row means deadlines are enforced late.
      const backlog = sweep.metricBacklog();
      alarm(
        'DeadlineBacklog',
        backlog,
        'Two deadline sweep runs in a row left connections past their deadline: more are due than a run may fail (1,000); deadlines are being enforced late.',
        1,
        2,
      );
      deadlineWidgets.push(
        new GraphWidget({
          title: 'Deadlines: enforced, and left for the next run',
          left: [sweep.metricEnforced({ label: 'failed by the sweep' }), backlog.with({ label: 'backlog' })],
          right: [sweep.metricLateness({ label: 'latest past its deadline (s)' })],
          width: 24,
        }),
      );
    }

    const tableThrottles = props.table.metricThrottledRequestsForOperations({
      operations: TABLE_OPERATIONS,
      period: PERIOD,
    });
    const tableSystemErrors = props.table.metricSystemErrorsForOperations({
      operations: TABLE_OPERATIONS,
      period: PERIOD,
    });
    alarm('TableThrottles', tableThrottles, 'DynamoDB throttled requests to the connections table.');
    alarm(
      'TableSystemErrors',
      tableSystemErrors,
      'DynamoDB answered with system errors (HTTP 500) for the connections table.',
    );

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: '# Resource Connections\nAPI, functions and table; every graph has an alarm.',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests and errors',
        left: [
          props.stage.metricCount({ period: PERIOD, label: 'requests', statistic: 'Sum' }),
          props.stage.metricClientError({ period: PERIOD, label: '4xx' }),
          api5xx.with({ label: '5xx' }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'API latency (p50, p99)',
        left: [
          props.stage.metricLatency({ period: PERIOD, statistic: 'p50', label: 'p50' }),
          props.stage.metricLatency({ period: PERIOD, statistic: 'p99', label: 'p99' }),
        ],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Lambda errors', left: errors, width: 12 }),
      new GraphWidget({ title: 'Lambda throttles', left: throttles, width: 12 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'DynamoDB throttled requests', left: [tableThrottles], width: 8 }),
      new GraphWidget({ title: 'DynamoDB system errors', left: [tableSystemErrors], width: 8 }),
      new GraphWidget({ title: 'Event publishing lag (ms)', left: streamLag ? [streamLag] : [], width: 8 }),
    );
    if (deadlineWidgets.length) this.dashboard.addWidgets(...deadlineWidgets);
  }
}
