/**
 * The deadline sweep (docs/api.md, Deadlines): an EventBridge rule runs its function every minute;
 * each run moves the connections whose deadline has passed to failed, within its bound, and
 * publishes what it did and what it left. What the function may do to the table is its entry's
 * `data` (functions/routes.ts), turned into its policy like a route's.
 */
import { Duration } from 'aws-cdk-lib';
import { Metric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEADLINE_SWEEP } from '../functions/routes.ts';
import { bindDataAccess, type DataBinding } from './data-access.ts';
import { METRICS_NAMESPACE, SERVICE_NAME, ServiceFunction } from './service-function.ts';

export interface DeadlineSweepProps {
  /** The table, and what a function that reads it is given. */
  readonly data: DataBinding;
  /** @default 1024 */
  readonly memorySize?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Due connections one run takes at most (SWEEP_BATCH_LIMIT). @default the function's 1,000 */
  readonly batchLimit?: number | undefined;
  /** What every function that changes connections is told besides the table (retention, say). */
  readonly writerEnvironment?: Readonly<Record<string, string>>;
}

export class DeadlineSweep extends Construct {
  public readonly function: ServiceFunction;
  public readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: DeadlineSweepProps) {
    super(scope, id);
    this.function = new ServiceFunction(this, 'Sweep', {
      handlerModule: DEADLINE_SWEEP.handler,
      description: `Every ${DEADLINE_SWEEP.everyMinutes} min: ${DEADLINE_SWEEP.summary}`,
      memorySize: props.memorySize,
      logRetention: props.logRetention,
      timeout: Duration.seconds(DEADLINE_SWEEP.timeoutSeconds),
      reservedConcurrentExecutions: DEADLINE_SWEEP.concurrency,
    });
    bindDataAccess(this.function, DEADLINE_SWEEP.data, props.data);
    for (const [name, value] of Object.entries(props.writerEnvironment ?? {}))
      this.function.addEnvironment(name, value);
    if (props.batchLimit !== undefined) this.function.addEnvironment('SWEEP_BATCH_LIMIT', String(props.batchLimit));
    // A failed run is not retried, and a run throttled because one is still going is dropped after
    // a minute: the next one starts again from the soonest deadline still due.
    this.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    this.schedule = new Rule(this, 'Schedule', {
      description: `Runs the deadline sweep every ${DEADLINE_SWEEP.everyMinutes} min`,
      schedule: Schedule.rate(Duration.minutes(DEADLINE_SWEEP.everyMinutes)),
      // An invocation EventBridge could not deliver within the minute is overtaken by the next run.
      targets: [new LambdaFunction(this.function, { maxEventAge: Duration.minutes(1), retryAttempts: 2 })],
    });
  }

  /** Runs the schedule could not start (EventBridge's FailedInvocations of the rule). */
  metricRuleFailures(options: MetricOptions = {}): Metric {
    return new Metric({
      namespace: 'AWS/Events',
      metricName: 'FailedInvocations',
      dimensionsMap: { RuleName: this.schedule.ruleName },
      statistic: 'Sum',
      ...options,
    });
  }

  /** Runs that started: none in a period means the sweep is not running. */
  metricRuns(options: MetricOptions = {}): Metric {
    return this.function.metricInvocations({ statistic: 'Sum', ...options });
  }

  /** Due connections a run left for the next one (the backlog alarm watches its maximum). */
  metricBacklog(options: MetricOptions = {}): Metric {
    return this.metric(DEADLINE_SWEEP.metrics.backlog, { statistic: 'Maximum', ...options });
  }

  /** Connections the sweep moved to failed. */
  metricEnforced(options: MetricOptions = {}): Metric {
    return this.metric(DEADLINE_SWEEP.metrics.enforced, { statistic: 'Sum', ...options });
  }

  /** How late past its deadline a run enforced one, at most. */
  metricLateness(options: MetricOptions = {}): Metric {
    return this.metric(DEADLINE_SWEEP.metrics.lateness, { statistic: 'Maximum', ...options });
  }

  private metric(metricName: string, options: MetricOptions): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      // Powertools Metrics adds the service as a dimension of every metric it publishes.
      dimensionsMap: { service: SERVICE_NAME },
      period: Duration.minutes(DEADLINE_SWEEP.everyMinutes),
      ...options,
    });
  }
}
