/**
 * Connection events: the table's stream drives the publisher, which may put events on the service's
 * bus and read that one stream, nothing else; its failures and lag raise alarms.
 */
import { beforeAll, expect, it } from 'vitest';
import { synthesize, SYNTH_TIMEOUT, type Synthesized } from './support/synth.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- template JSON

let synth: Synthesized;
let resources: Record<string, Json>;
let publisherId: string;
beforeAll(() => {
  synth = synthesize();
  resources = synth.template.toJSON().Resources;
  publisherId = synth.logicalId(synth.stack.events.publisher);
}, SYNTH_TIMEOUT);

const tableId = () => synth.logicalId(synth.stack.table.table);
const busId = () => synth.logicalId(synth.stack.events.bus);
const dlqId = () => synth.logicalId(synth.stack.events.deadLetters);

it('reads the table stream from its start, in batches, reporting the first record that failed', () => {
  const mappings = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
  expect(mappings).toHaveLength(1);
  expect(mappings[0]!.Properties).toMatchObject({
    FunctionName: { Ref: publisherId },
    EventSourceArn: { 'Fn::GetAtt': [tableId(), 'StreamArn'] },
    StartingPosition: 'TRIM_HORIZON',
    FunctionResponseTypes: ['ReportBatchItemFailures'],
  });
});

it('publishes to the service bus, named in its environment, with the house settings', () => {
  const fn = resources[publisherId]!.Properties;
  expect(fn.Environment.Variables).toMatchObject({
    EVENT_BUS_NAME: { Ref: busId() },
    POWERTOOLS_SERVICE_NAME: 'resource-connections',
    POWERTOOLS_METRICS_NAMESPACE: 'ResourceConnections',
  });
  // Details too large for the stream's images are read from the history entry that set them.
  expect(fn.Environment.Variables.TABLE_NAME).toEqual({ Ref: tableId() });
  expect(fn.Architectures).toEqual(['arm64']);
  // Kept for it, so a burst of API traffic cannot starve the stream of events.
  expect(fn.ReservedConcurrentExecutions).toBe(10);
  expect(resources[fn.LoggingConfig.LogGroup.Ref]!.Properties.RetentionInDays).toBe(30);
});

it('retries a failing batch a bounded number of times, halving it to isolate a poison record, then dead-letters it', () => {
  const mapping = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping')!;
  expect(mapping.Properties).toMatchObject({
    BisectBatchOnFunctionError: true,
    MaximumRetryAttempts: 10,
    DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId(), 'Arn'] } } },
  });
  expect(resources[dlqId()]!.Properties).toMatchObject({
    SqsManagedSseEnabled: true,
    MessageRetentionPeriod: 14 * 24 * 3600,
  });
  const alarms = Object.values(resources)
    .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
    .map((r) => r.Properties);
  expect(
    alarms.filter(
      (a) =>
        a.Namespace === 'AWS/SQS' &&
        a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        JSON.stringify(a.Dimensions) ===
          JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId(), 'QueueName'] } }]),
    ),
  ).toHaveLength(1);
});

it('may put events on its bus, read its stream and history entries, and dead-letter to its queue, nothing else', () => {
  const roleId = synth.logicalId(synth.stack.events.publisher.role!);
  const statements = Object.values(resources)
    .filter(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: roleId }]),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Json[]);
  const byAction = new Map<string, string>();
  for (const statement of statements) {
    for (const action of [statement.Action].flat() as string[])
      byAction.set(action, JSON.stringify(statement.Resource));
  }
  expect([...byAction.keys()].sort()).toEqual([
    'dynamodb:DescribeStream',
    'dynamodb:GetItem',
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
    'dynamodb:ListStreams',
    'events:PutEvents',
    'logs:CreateLogStream',
    'logs:PutLogEvents',
    'sqs:GetQueueAttributes',
    'sqs:GetQueueUrl',
    'sqs:SendMessage',
  ]);
  expect(byAction.get('events:PutEvents')).toBe(JSON.stringify({ 'Fn::GetAtt': [busId(), 'Arn'] }));
  expect(byAction.get('dynamodb:GetItem')).toBe(JSON.stringify({ 'Fn::GetAtt': [tableId(), 'Arn'] }));
  expect(byAction.get('sqs:SendMessage')).toBe(JSON.stringify({ 'Fn::GetAtt': [dlqId(), 'Arn'] }));
  for (const action of ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator']) {
    expect(byAction.get(action)).toBe(JSON.stringify({ 'Fn::GetAtt': [tableId(), 'StreamArn'] }));
  }
});

it('uses a wildcard resource only where IAM allows nothing else: dynamodb:ListStreams', () => {
  const wildcards = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Json[])
    .filter((statement) => JSON.stringify(statement.Resource).includes('*'));
  expect(wildcards).toEqual([{ Action: 'dynamodb:ListStreams', Effect: 'Allow', Resource: '*' }]);
});

it('alarms when publishing fails, is throttled or falls behind the stream', () => {
  const alarms = Object.values(resources)
    .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
    .map((r) => r.Properties);
  const onPublisher = (metric: string) =>
    alarms.filter(
      (a) =>
        a.Namespace === 'AWS/Lambda' &&
        a.MetricName === metric &&
        JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: publisherId } }]),
    );
  expect(onPublisher('Errors')).toHaveLength(1);
  expect(onPublisher('Throttles')).toHaveLength(1);
  const lag = onPublisher('IteratorAge');
  expect(lag).toHaveLength(1);
  expect(lag[0]).toMatchObject({ Statistic: 'Maximum', Threshold: 300_000 });
});
