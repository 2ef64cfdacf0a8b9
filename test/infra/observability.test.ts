/**
 * Alarms, where they notify, and the dashboard: each route's 5xx (API Gateway's per-route metrics),
 * its function's errors and throttles; the publisher's failures and iterator age; a deadline sweep
 * that fails, is not started, stops, or leaves a backlog (no data breaching where every run
 * reports); the table's throttles and system errors. Every alarm notifies one topic: the stack's
 * own, KMS-encrypted, or the one `alarmTopicArn` names.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes.ts';
import { routeKey } from '../../functions/route-table/shape.ts';
import { synthesize, SYNTH_TIMEOUT, type Synthesized } from './support/synth.ts';

interface AlarmProperties {
  Namespace?: string;
  MetricName?: string;
  Statistic?: string;
  Period?: number;
  Dimensions?: { Name: string; Value: unknown }[];
  Metrics?: {
    Id: string;
    Expression?: string;
    MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] } };
  }[];
  AlarmActions?: unknown[];
  OKActions?: unknown[];
  ComparisonOperator: string;
  Threshold: number;
  EvaluationPeriods: number;
  TreatMissingData: string;
}

let synth: Synthesized;
let alarms: AlarmProperties[];
beforeAll(() => {
  synth = synthesize();
  alarms = Object.values(synth.template.findResources('AWS::CloudWatch::Alarm')).map(
    (a) => a.Properties as AlarmProperties,
  );
}, SYNTH_TIMEOUT);

const ref = (construct: object) => ({ Ref: synth.logicalId(construct) });
const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Single-metric alarms on this metric whose dimensions include these. */
const on = (namespace: string, metric: string, dimensions: Record<string, unknown>) =>
  alarms.filter(
    (alarm) =>
      alarm.Namespace === namespace &&
      alarm.MetricName === metric &&
      Object.entries(dimensions).every(([name, value]) =>
        alarm.Dimensions?.some((d) => d.Name === name && sameValue(d.Value, value)),
      ),
  );

/** Metric-math alarms: the metrics summed, by name. */
const onMath = (namespace: string, metric: string) =>
  alarms.filter((alarm) =>
    alarm.Metrics?.some(
      (m) => m.MetricStat?.Metric.Namespace === namespace && m.MetricStat.Metric.MetricName === metric,
    ),
  );

describe.each(ROUTES.map((route) => [route.id, route] as const))('%s', (id, route) => {
  it("alarms on the route's own 5xx answers, at the first one", () => {
    const found = on('AWS/ApiGateway', '5xx', {
      ApiId: ref(synth.stack.api.httpApi),
      Stage: '$default',
      Route: routeKey(route),
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      Statistic: 'Sum',
    });
  });

  it.each(['Errors', 'Throttles'])('alarms on its function’s %s', (metric) => {
    const found = on('AWS/Lambda', metric, { FunctionName: ref(synth.stack.functions.get(id)!) });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1 });
  });
});

describe('the publisher', () => {
  const publisher = () => ({ FunctionName: ref(synth.stack.events.publisher) });

  it.each(['Errors', 'Throttles'])('alarms on its %s', (metric) => {
    expect(on('AWS/Lambda', metric, publisher())).toHaveLength(1);
  });

  it('alarms when its iterator age passes five minutes, and on any record left in its dead-letter queue', () => {
    expect(on('AWS/Lambda', 'IteratorAge', publisher())).toMatchObject([{ Statistic: 'Maximum', Threshold: 300_000 }]);
    const queue = { QueueName: { 'Fn::GetAtt': [synth.logicalId(synth.stack.events.deadLetters), 'QueueName'] } };
    expect(on('AWS/SQS', 'ApproximateNumberOfMessagesVisible', queue)).toHaveLength(1);
  });
});

describe('the deadline sweep', () => {
  const sweep = () => ({ FunctionName: ref(synth.stack.deadlines.function) });

  it('alarms when its rule fails to start a run (EventBridge FailedInvocations of the rule)', () => {
    const found = on('AWS/Events', 'FailedInvocations', { RuleName: ref(synth.stack.deadlines.schedule) });
    expect(found).toMatchObject([
      { ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1, Statistic: 'Sum' },
    ]);
  });

  it('alarms when no run starts in five minutes, no data counting as none', () => {
    expect(on('AWS/Lambda', 'Invocations', sweep())).toMatchObject([
      { ComparisonOperator: 'LessThanThreshold', Threshold: 1, Period: 300, TreatMissingData: 'breaching' },
    ]);
  });

  it('alarms on a backlog two runs in a row, and when runs stop reporting it', () => {
    expect(on('ResourceConnections', 'DeadlineBacklog', { service: 'resource-connections' })).toMatchObject([
      {
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 2,
        TreatMissingData: 'breaching',
      },
    ]);
  });

  it.each(['Errors', 'Throttles'])('alarms on its %s', (metric) => {
    expect(on('AWS/Lambda', metric, sweep())).toHaveLength(1);
  });
});

it.each(['ThrottledRequests', 'SystemErrors'])(
  'alarms on the table’s %s for every operation the functions send',
  (metric) => {
    const found = onMath('AWS/DynamoDB', metric);
    expect(found).toHaveLength(1);
    const stats = found[0]!.Metrics!.filter((m) => m.MetricStat);
    for (const stat of stats)
      expect(stat.MetricStat!.Metric.Dimensions).toContainEqual({
        Name: 'TableName',
        Value: ref(synth.stack.table.table),
      });
    const operations = stats.map((s) => s.MetricStat!.Metric.Dimensions.find((d) => d.Name === 'Operation')?.Value);
    expect(operations.sort()).toEqual(['BatchGetItem', 'GetItem', 'Query', 'TransactWriteItems']);
  },
);

describe('notifications', () => {
  it('go from every alarm, when it fires and when it clears, to a topic of the stack’s own', () => {
    const topic = ref(synth.stack.monitoring.alarmTopic);
    expect(alarms.length).toBeGreaterThan(ROUTES.length * 3);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([topic]);
      expect(alarm.OKActions).toEqual([topic]);
    }
  });

  it('are encrypted with a key of the stack’s own, with rotation, that CloudWatch may use for this account’s alarms only', () => {
    const own = synth.stack.monitoring.ownTopic!;
    synth.of(own.topic).hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [synth.logicalId(own.key), 'Arn'] },
    });
    const forOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: { 'aws:SourceArn': Match.anyValue() },
    };
    synth.of(own.key).hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: forOwnAlarms,
          }),
        ]),
      },
    });
    synth.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: forOwnAlarms,
          }),
        ]),
      },
    });
  });

  it('go to the topic alarmTopicArn names instead, and the stack makes none', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:on-call';
    const given = synthesize({ context: { alarmTopicArn: topicArn } });
    const withActions = Object.values(given.template.findResources('AWS::CloudWatch::Alarm'));
    expect(withActions.length).toBe(alarms.length);
    for (const alarm of withActions) expect(alarm.Properties.AlarmActions).toEqual([topicArn]);
    given.template.resourceCountIs('AWS::SNS::Topic', 0);
    given.template.resourceCountIs('AWS::KMS::Key', 0);
  });
});

it('shows per-route latency, 5xx, errors and throttles, the sweep and the publisher on one dashboard', () => {
  const dashboards = Object.values(synth.template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  // The body is a Fn::Join of JSON text and references; its text parts hold titles, metric names and labels.
  const parts = (dashboards[0]!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const body = parts.filter((part) => typeof part === 'string').join('');
  for (const title of [
    'Latency by route (p99, ms)',
    '5xx by route',
    'Function errors by route',
    'Function throttles by route',
    'Deadline sweep: runs, failed by it, left for the next run',
    'Event publishing: iterator age (ms) and failures',
  ])
    expect(body, title).toContain(title);
  for (const metric of [
    '"Latency"',
    '"5xx"',
    '"Errors"',
    '"Throttles"',
    '"IteratorAge"',
    '"DeadlineBacklog"',
    '"DeadlineLatenessSeconds"',
    '"FailedInvocations"',
  ])
    expect(body, metric).toContain(metric);
  // Each route by its route key, in the per-route graphs.
  for (const route of ROUTES) expect(body, route.id).toContain(`"Route","${routeKey(route)}"`);
});
