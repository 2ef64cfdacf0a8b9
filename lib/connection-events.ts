/**
 * Connection events: the table's change stream feeds the publisher function, which puts one event
 * per committed change on the service's EventBridge bus (docs/api.md, Events). Produced from the
 * stream, so no committed change is missed and nothing is sent for a change that did not commit.
 * Lambda's event filters hand the publisher only the records that make events
 * (functions/events/stream-filter.ts): it is never invoked for history entries, details items, pair
 * guards, idempotency records, or their TTL deletes.
 */
import { Duration, Validations, type CfnResource } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PUBLISHED_RECORDS } from '../functions/events/stream-filter.ts';
import { ServiceFunction } from './service-function.ts';

export interface ConnectionEventsProps {
  /** The table whose stream carries the changes; it must have a stream with new and old images. */
  readonly table: Table;
  /** @default 1024 */
  readonly memorySize?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Stream records per invocation; the publisher sends them ten to a PutEvents. @default 100 */
  readonly batchSize?: number;
  /**
   * Seconds Lambda waits to fill a batch before it invokes the publisher (0 to 300): fewer
   * invocations at a low rate, at most that much later an event. @default 1
   */
  readonly batchingWindowSeconds?: number;
  /** Retries of a failing batch before its records go to the dead-letter queue. @default 10 */
  readonly retryAttempts?: number;
  /**
   * Concurrent executions kept for the publisher, so that a burst of API traffic cannot starve the
   * stream of events (one execution per stream shard at a time). @default 10
   */
  readonly reservedConcurrency?: number;
}

export class ConnectionEvents extends Construct {
  public readonly bus: EventBus;
  public readonly publisher: ServiceFunction;
  /** Where the stream puts what could not be published after the retries: an alarm watches it. */
  public readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: ConnectionEventsProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', {
      description: 'Resource Connections: one event per committed connection change',
    });
    this.publisher = new ServiceFunction(this, 'Publisher', {
      handlerModule: 'publish-events',
      description: 'Publishes connection changes from the table stream to EventBridge',
      memorySize: props.memorySize,
      logRetention: props.logRetention,
      environment: { EVENT_BUS_NAME: this.bus.eventBusName, TABLE_NAME: props.table.tableName },
      reservedConcurrentExecutions: props.reservedConcurrency ?? 10,
    });
    this.bus.grantPutEventsTo(this.publisher);
    // Details too large for the stream's images are read from the details item or the history
    // entry that set them; a purged connection's history and details are queried and deleted.
    this.publisher.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'],
        resources: [props.table.tableArn],
      }),
    );
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters.node.defaultChild as CfnResource).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself the dead-letter destination of the publisher's stream event source; a queue behind it would only move the same records again.",
    });
    this.publisher.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: props.batchSize ?? 100,
        maxBatchingWindow: Duration.seconds(props.batchingWindowSeconds ?? 1),
        filters: PUBLISHED_RECORDS.map((pattern) => FilterCriteria.filter(pattern)),
        // The handler names the first record that did not go out; Lambda retries from there, in order.
        reportBatchItemFailures: true,
        // A poison record is isolated by halving the batch, retried a bounded number of times, then
        // its stream coordinates go to the dead-letter queue, so one bad record never stalls the rest.
        bisectBatchOnError: true,
        retryAttempts: props.retryAttempts ?? 10,
        onFailure: new SqsDlq(this.deadLetters),
      }),
    );
    const policy = this.publisher.role!.node.findChild('DefaultPolicy').node.defaultChild as CfnResource;
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams, which the stream event source needs, supports no resource-level permission (its resource must be *). ' +
        "Every other stream action is scoped to this table's stream ARN, and PutEvents to this bus.",
    });
  }
}
