/**
 * Alarms and the dashboard: API 5xx, each function's errors and throttles, the table's throttles
 * and system errors; with an alarm topic configured, every alarm notifies it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes.ts';
import { synthesize, SYNTH_TIMEOUT, type Synthesized } from './support/synth.ts';

interface AlarmProperties {
  Namespace?: string;
  MetricName?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Metrics?: {
    Id: string;
    Expression?: string;
    MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] } };
  }[];
  AlarmActions?: unknown[];
  ComparisonOperator: string;
  Threshold: number;
}

let synth: Synthesized;
let alarms: AlarmProperties[];
beforeAll(() => {
  synth = synthesize();
  alarms = Object.values(synth.template.findResources('AWS::CloudWatch::Alarm')).map(
    (a) => a.Properties as AlarmProperties,
  );
}, SYNTH_TIMEOUT);

/** Single-metric alarms on this metric with this dimension value. */
const on = (namespace: string, metric: string, dimension: string, value: unknown) =>
  alarms.filter(
    (alarm) =>
      alarm.Namespace === namespace &&
      alarm.MetricName === metric &&
      alarm.Dimensions?.some((d) => d.Name === dimension && JSON.stringify(d.Value) === JSON.stringify(value)),
  );

/** Metric-math alarms: the metrics summed, by name and dimension value. */
const onMath = (namespace: string, metric: string) =>
  alarms.filter((alarm) =>
    alarm.Metrics?.some(
      (m) => m.MetricStat?.Metric.Namespace === namespace && m.MetricStat.Metric.MetricName === metric,
    ),
  );

it('alarms on API 5xx answers of the stage', () => {
  const found = on('AWS/ApiGateway', '5xx', 'ApiId', { Ref: synth.logicalId(synth.stack.api.httpApi) });
  expect(found).toHaveLength(1);
  expect(found[0]!.Dimensions).toContainEqual({ Name: 'Stage', Value: '$default' });
});

describe.each(ROUTES.map((route) => [route.id] as const))('%s function', (id) => {
  it.each(['Errors', 'Throttles'])('has an alarm on %s', (metric) => {
    const fn = synth.stack.functions.get(id)!;
    const found = on('AWS/Lambda', metric, 'FunctionName', { Ref: synth.logicalId(fn) });
    expect(found).toHaveLength(1);
    expect(found[0]!).toMatchObject({ ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1 });
  });
});

it.each(['ThrottledRequests', 'SystemErrors'])(
  'alarms on the table’s %s for every operation the service sends',
  (metric) => {
    const found = onMath('AWS/DynamoDB', metric);
    expect(found).toHaveLength(1);
    const stats = found[0]!.Metrics!.filter((m) => m.MetricStat);
    const tableRef = { Ref: synth.logicalId(synth.stack.table.table) };
    for (const stat of stats)
      expect(stat.MetricStat!.Metric.Dimensions).toContainEqual({ Name: 'TableName', Value: tableRef });
    const operations = stats.map((s) => s.MetricStat!.Metric.Dimensions.find((d) => d.Name === 'Operation')?.Value);
    expect(operations.sort()).toEqual(['GetItem', 'Query', 'TransactWriteItems']);
  },
);

it('shows the same figures on one dashboard', () => {
  const dashboards = Object.values(synth.template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  // The body is a Fn::Join of JSON text and references; its text parts hold the metric names.
  const parts = (dashboards[0]!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const body = parts.filter((part) => typeof part === 'string').join('');
  for (const metric of ['"5xx"', '"Errors"', '"Throttles"', '"ThrottledRequests"', '"SystemErrors"']) {
    expect(body, metric).toContain(metric);
  }
});

it('notifies the alarm topic from context on every alarm, and nobody without one', () => {
  expect(alarms.every((alarm) => alarm.AlarmActions === undefined)).toBe(true);
  const topicArn = 'arn:aws:sns:eu-west-1:123456789012:on-call';
  const notified = synthesize({ context: { alarmTopicArn: topicArn } });
  const withActions = Object.values(notified.template.findResources('AWS::CloudWatch::Alarm'));
  expect(withActions.length).toBe(alarms.length);
  for (const alarm of withActions) expect(alarm.Properties.AlarmActions).toEqual([topicArn]);
});
