/**
 * Connection events: the table's stream drives the publisher, which may put events on the service's
 * bus and read that one stream, nothing else; Lambda hands it only the records that make events,
 * a second's worth at a time; its failures and lag raise alarms.
 */
import { beforeAll, expect, it } from 'vitest';
import { PUBLISHED_RECORDS } from '../../functions/events/stream-filter.ts';
import { synthesize, SYNTH_TIMEOUT, type Synthesized } from './support/synth.ts';

interface Statement {
  readonly Action: string | string[];
  readonly Effect: string;
  readonly Resource: unknown;
}

let synth: Synthesized;
let publisherId: string;
beforeAll(() => {
  synth = synthesize();
  publisherId = synth.logicalId(synth.stack.events.publisher);
}, SYNTH_TIMEOUT);

const MAPPING = 'AWS::Lambda::EventSourceMapping';
const ALARM = 'AWS::CloudWatch::Alarm';
/** Every statement of the IAM policies attached to `roles` (all policies without it). */
const statementsOf = (roles?: unknown): Statement[] =>
  Object.values(
    synth.template.findResources('AWS::IAM::Policy', roles ? { Properties: { Roles: roles } } : {}),
  ).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);

const tableId = () => synth.logicalId(synth.stack.table.table);
const busId = () => synth.logicalId(synth.stack.events.bus);
const dlqId = () => synth.logicalId(synth.stack.events.deadLetters);

it('reads the table stream from its start, in batches, reporting the first record that failed', () => {
  synth.template.resourceCountIs(MAPPING, 1);
  synth.template.hasResourceProperties(MAPPING, {
    FunctionName: { Ref: publisherId },
    EventSourceArn: { 'Fn::GetAtt': [tableId(), 'StreamArn'] },
    StartingPosition: 'TRIM_HORIZON',
    FunctionResponseTypes: ['ReportBatchItemFailures'],
  });
});

it('is handed only the records that make events: the stream filter’s patterns, as the local server applies them', () => {
  const mapping = Object.values(synth.template.findResources(MAPPING))[0]!;
  const patterns = (mapping.Properties.FilterCriteria.Filters as { Pattern: string }[]).map((f) =>
    JSON.parse(f.Pattern),
  );
  expect(patterns).toEqual(PUBLISHED_RECORDS);
  // Connection items written, and connection items removed by DynamoDB's TTL (a purge).
  expect(JSON.stringify(patterns)).toContain('"principalId":["dynamodb.amazonaws.com"]');
});

it('waits up to a second to fill a batch, unless told otherwise', () => {
  synth.template.hasResourceProperties(MAPPING, { MaximumBatchingWindowInSeconds: 1, BatchSize: 100 });
});

it('publishes to the service bus, named in its environment, with the house settings', () => {
  const publisher = synth.stack.events.publisher;
  synth.of(publisher).hasResourceProperties('AWS::Lambda::Function', {
    Environment: {
      Variables: {
        EVENT_BUS_NAME: { Ref: busId() },
        POWERTOOLS_SERVICE_NAME: 'resource-connections',
        POWERTOOLS_METRICS_NAMESPACE: 'ResourceConnections',
        // Details too large for the stream's images are read from the details item or the history.
        TABLE_NAME: { Ref: tableId() },
      },
    },
    Architectures: ['arm64'],
    // Kept for it, so a burst of API traffic cannot starve the stream of events.
    ReservedConcurrentExecutions: 10,
    LoggingConfig: { LogGroup: { Ref: synth.logicalId(publisher.logGroup) } },
  });
  synth.of(publisher.logGroup).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
});

it('retries a failing batch a bounded number of times, halving it to isolate a poison record, then dead-letters it', () => {
  synth.template.hasResourceProperties(MAPPING, {
    BisectBatchOnFunctionError: true,
    MaximumRetryAttempts: 10,
    DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId(), 'Arn'] } } },
  });
  synth.of(synth.stack.events.deadLetters).hasResourceProperties('AWS::SQS::Queue', {
    SqsManagedSseEnabled: true,
    MessageRetentionPeriod: 14 * 24 * 3600,
  });
  synth.template.resourcePropertiesCountIs(
    ALARM,
    {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId(), 'QueueName'] } }],
    },
    1,
  );
});

it('may put events on its bus, publish to its channels, read its stream, read and purge a connection’s items, and dead-letter to its queue, nothing else', () => {
  const roleId = synth.logicalId(synth.stack.events.publisher.role!);
  const statements = statementsOf([{ Ref: roleId }]);
  const byAction = new Map<string, string>();
  for (const statement of statements) {
    for (const action of [statement.Action].flat() as string[])
      byAction.set(action, JSON.stringify(statement.Resource));
  }
  expect([...byAction.keys()].sort()).toEqual([
    'appsync:EventPublish',
    'dynamodb:BatchWriteItem',
    'dynamodb:DescribeStream',
    'dynamodb:GetItem',
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
    'dynamodb:ListStreams',
    'dynamodb:Query',
    'events:PutEvents',
    'logs:CreateLogStream',
    'logs:PutLogEvents',
    'sqs:GetQueueAttributes',
    'sqs:GetQueueUrl',
    'sqs:SendMessage',
  ]);
  expect(byAction.get('events:PutEvents')).toBe(JSON.stringify({ 'Fn::GetAtt': [busId(), 'Arn'] }));
  // The table itself: no index.
  for (const action of ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'])
    expect(byAction.get(action)).toBe(JSON.stringify({ 'Fn::GetAtt': [tableId(), 'Arn'] }));
  expect(byAction.get('sqs:SendMessage')).toBe(JSON.stringify({ 'Fn::GetAtt': [dlqId(), 'Arn'] }));
  for (const action of ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator']) {
    expect(byAction.get(action)).toBe(JSON.stringify({ 'Fn::GetAtt': [tableId(), 'StreamArn'] }));
  }
});

it('uses a wildcard resource only where IAM allows nothing else: dynamodb:ListStreams', () => {
  const wildcards = statementsOf().filter((statement) => JSON.stringify(statement.Resource).includes('*'));
  expect(wildcards).toEqual([{ Action: 'dynamodb:ListStreams', Effect: 'Allow', Resource: '*' }]);
});

it('alarms when publishing fails, is throttled or falls behind the stream', () => {
  const onPublisher = (metric: string) => ({
    Namespace: 'AWS/Lambda',
    MetricName: metric,
    Dimensions: [{ Name: 'FunctionName', Value: { Ref: publisherId } }],
  });
  synth.template.resourcePropertiesCountIs(ALARM, onPublisher('Errors'), 1);
  synth.template.resourcePropertiesCountIs(ALARM, onPublisher('Throttles'), 1);
  synth.template.resourcePropertiesCountIs(
    ALARM,
    { ...onPublisher('IteratorAge'), Statistic: 'Maximum', Threshold: 300_000 },
    1,
  );
});
