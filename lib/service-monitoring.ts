/**
 * Alarms on what callers feel (each route's 5xx), what breaks in the functions (errors,
 * throttles), what the table refuses (throttles, system errors), events falling behind or lost,
 * and a deadline sweep that fails, stops or cannot keep up; every alarm notifies one SNS topic
 * (the stack's own, encrypted, unless one is given). The dashboard (service-dashboard.ts) shows the
 * same figures. docs/deploy.md says what to do when each alarm fires.
 */
import { Duration } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type Dashboard,
  type IMetric,
  type Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { routeKey, type Route } from '../functions/route-table/shape.ts';
import { AlarmTopic } from './alarm-topic.ts';
import type { DeadlineSweep } from './deadline-sweep.ts';
import { serviceDashboard } from './service-dashboard.ts';
import { PERIOD, routeMetric } from './service-metrics.ts';

/** The table operations the functions send; the DynamoDB metrics are per operation. */
const TABLE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.BATCH_GET_ITEM,
  Operation.QUERY,
  Operation.TRANSACT_WRITE_ITEMS,
];

export interface ServiceMonitoringProps {
  /** The stage whose per-route metrics (detailed metrics on) the route alarms watch. */
  readonly stage: HttpStage;
  /** The routes deployed, each with its function. */
  readonly routes: readonly { readonly route: Route; readonly fn: IFunction }[];
  readonly table: Table;
  /** The function reading the table's stream: its errors, throttles and lag are alarmed too. @default - none */
  readonly streamConsumer?: IFunction;
  /** Where the stream consumer's failed records go: any message there alarms. @default - none */
  readonly streamDeadLetters?: IQueue;
  /** How far behind the stream the consumer may fall before it alarms. @default Duration.minutes(5) */
  readonly maxStreamLag?: Duration;
  /** Where alarms notify. @default - a topic of the stack's own, encrypted with a key of its own */
  readonly alarmTopic?: ITopic;
  /** 5xx answers of one route in five minutes that raise its alarm. @default 1: a 5xx is a bug or an outage */
  readonly route5xxThreshold?: number;
  /** The deadline sweep: its failures, its schedule's and its backlog are alarmed. @default - none */
  readonly deadlineSweep?: DeadlineSweep;
}

interface AlarmOptions {
  readonly threshold?: number;
  readonly evaluationPeriods?: number;
  /** @default at or above the threshold */
  readonly below?: boolean;
  /** No data is a failure: the thing watched should report every period. @default false: no traffic is no failure */
  readonly missingBreaches?: boolean;
}

export class ServiceMonitoring extends Construct {
  public readonly alarms: Alarm[] = [];
  public readonly dashboard: Dashboard;
  /** Where every alarm notifies. */
  public readonly alarmTopic: ITopic;
  /** The stack's own topic, when none was given. */
  public readonly ownTopic?: AlarmTopic;

  constructor(scope: Construct, id: string, props: ServiceMonitoringProps) {
    super(scope, id);
    if (!props.alarmTopic) this.ownTopic = new AlarmTopic(this, 'AlarmTopic');
    this.alarmTopic = props.alarmTopic ?? this.ownTopic!.topic;
    const notify = new SnsAction(this.alarmTopic);
    const alarm = (alarmId: string, metric: IMetric, description: string, options: AlarmOptions = {}) => {
      const created = new Alarm(this, alarmId, {
        metric,
        threshold: options.threshold ?? 1,
        evaluationPeriods: options.evaluationPeriods ?? 1,
        comparisonOperator: options.below
          ? ComparisonOperator.LESS_THAN_THRESHOLD
          : ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: options.missingBreaches ? TreatMissingData.BREACHING : TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      this.alarms.push(created);
      return created;
    };

    const route5xx = new Map<string, Metric>();
    for (const { route, fn } of props.routes) {
      const answers = routeMetric(props.stage, route, '5xx', 'Sum');
      route5xx.set(route.id, answers);
      alarm(
        `${route.id}5xx`,
        answers,
        `${routeKey(route)} answered 5xx: a bug (500) or the database unavailable (503).`,
        {
          threshold: props.route5xxThreshold ?? 1,
        },
      );
      alarm(
        `${route.id}Errors`,
        fn.metricErrors({ period: PERIOD }),
        `The ${route.id} function failed (uncaught error or timeout).`,
      );
      alarm(
        `${route.id}Throttles`,
        fn.metricThrottles({ period: PERIOD }),
        `Lambda throttled the ${route.id} function: its cap or the account's concurrency is exhausted.`,
      );
    }

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
      alarm(
        'StreamConsumerLag',
        consumer.metric('IteratorAge', { period: PERIOD, statistic: 'Maximum' }),
        'Connection events are falling behind the table: records left unpublished for 24 h are lost from the stream.',
        { threshold: (props.maxStreamLag ?? Duration.minutes(5)).toMilliseconds() },
      );
      if (props.streamDeadLetters) {
        alarm(
          'StreamDeadLetters',
          props.streamDeadLetters.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
          'Connection changes could not be published after every retry: their stream records are in the dead-letter queue.',
        );
      }
    }

    if (props.deadlineSweep) {
      const sweep = props.deadlineSweep;
      alarm(
        'DeadlineSweepErrors',
        sweep.function.metricErrors({ period: PERIOD }),
        'A deadline sweep run failed; the next run starts again from the soonest due deadline.',
      );
      alarm(
        'DeadlineSweepThrottles',
        sweep.function.metricThrottles({ period: PERIOD }),
        'Lambda throttled the deadline sweep.',
      );
      alarm(
        'DeadlineScheduleFailures',
        sweep.metricRuleFailures({ period: PERIOD }),
        "EventBridge could not start deadline sweep runs (the rule's target failed).",
      );
      alarm(
        'DeadlineSweepStopped',
        sweep.metricRuns({ period: PERIOD }),
        'No deadline sweep run started in five minutes: deadlines are not being enforced.',
        { below: true, missingBreaches: true },
      );
      // One run may leave a burst for the next; two in a row means deadlines are enforced late.
      // Every run reports it, so no report is a sweep that does not run or does not finish.
      alarm(
        'DeadlineBacklog',
        sweep.metricBacklog(),
        'Two deadline sweep runs in a row left connections past their deadline, or no run reported: deadlines are being enforced late.',
        { evaluationPeriods: 2, missingBreaches: true },
      );
    }

    const tableMetrics = {
      throttles: props.table.metricThrottledRequestsForOperations({ operations: TABLE_OPERATIONS, period: PERIOD }),
      systemErrors: props.table.metricSystemErrorsForOperations({ operations: TABLE_OPERATIONS, period: PERIOD }),
    };
    alarm('TableThrottles', tableMetrics.throttles, 'DynamoDB throttled requests to the connections table.');
    alarm(
      'TableSystemErrors',
      tableMetrics.systemErrors,
      'DynamoDB answered with system errors (HTTP 500) for the connections table.',
    );

    this.dashboard = serviceDashboard(this, { ...props, route5xx, tableMetrics });
  }
}
