/**
 * The deadline sweep as deployed: an EventBridge rule runs its function every minute, one run at a
 * time, a failed run is not retried (the next one resumes), the backlog is alarmed, and the functions that enter
 * pending or connecting get the per-status default deadlines of the stack's settings.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEADLINE_SWEEP, ROUTES } from '../../functions/routes.ts';
import { writes } from '../../functions/route-table/shape.ts';
import { synthesize, SYNTH_TIMEOUT, type Synthesized } from './support/synth.ts';

let synth: Synthesized;
let sweepId: string;
beforeAll(() => {
  synth = synthesize();
  sweepId = synth.logicalId(synth.stack.deadlines.function);
}, SYNTH_TIMEOUT);

const LAMBDA = 'AWS::Lambda::Function';

describe('the schedule', () => {
  it('runs the sweep function every minute from an EventBridge rule', () => {
    const rules = Object.values(synth.template.findResources('AWS::Events::Rule'));
    const sweepRules = rules.filter((rule) =>
      JSON.stringify(rule.Properties.Targets).includes(JSON.stringify({ 'Fn::GetAtt': [sweepId, 'Arn'] })),
    );
    expect(sweepRules).toHaveLength(1);
    expect(sweepRules[0]!.Properties).toMatchObject({ ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' });
    expect(sweepRules[0]!.Properties.Targets[0].RetryPolicy).toEqual({
      MaximumEventAgeInSeconds: 60,
      MaximumRetryAttempts: 2,
    });
  });

  it('lets EventBridge, and only from that rule, invoke the function', () => {
    const permissions = Object.values(synth.template.findResources('AWS::Lambda::Permission')).filter(
      (p) => JSON.stringify(p.Properties.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [sweepId, 'Arn'] }),
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0]!.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [synth.logicalId(synth.stack.deadlines.schedule), 'Arn'] },
    });
  });

  it('does not retry a failed run, nor keep a throttled one past a minute: the next one starts again from the soonest due deadline', () => {
    synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: sweepId },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 60,
    });
  });

  it('runs one sweep at a time: its function may run once at once', () => {
    expect(DEADLINE_SWEEP.concurrency).toBe(1);
    synth.of(synth.stack.deadlines.function).hasResourceProperties(LAMBDA, { ReservedConcurrentExecutions: 1 });
  });
});

describe('the sweep function', () => {
  it('runs the sweep handler on arm64 within its timeout, with the table and nothing to configure deadlines', () => {
    const sweep = synth.stack.deadlines.function;
    synth.of(sweep).hasResourceProperties(LAMBDA, {
      Architectures: ['arm64'],
      Timeout: DEADLINE_SWEEP.timeoutSeconds,
      Handler: 'index.handler',
      Environment: {
        Variables: {
          TABLE_NAME: { Ref: synth.logicalId(synth.stack.table.table) },
          PENDING_DEADLINE_SECONDS: Match.absent(),
        },
      },
      LoggingConfig: { LogGroup: { Ref: synth.logicalId(sweep.logGroup) } },
    });
    synth.of(sweep.logGroup).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });
});

describe('the default deadlines', () => {
  const defaults = (s: Synthesized, routeId: string, variables: Record<string, unknown>) =>
    s.of(s.stack.functions.get(routeId)!).hasResourceProperties(LAMBDA, { Environment: { Variables: variables } });

  it('reach every function that writes, as 3,600 s pending and 900 s connecting unless set', () => {
    for (const route of ROUTES) {
      defaults(
        synth,
        route.id,
        writes(route.data)
          ? { PENDING_DEADLINE_SECONDS: '3600', CONNECTING_DEADLINE_SECONDS: '900' }
          : { PENDING_DEADLINE_SECONDS: Match.absent(), CONNECTING_DEADLINE_SECONDS: Match.absent() },
      );
    }
  });

  it('come from -c pendingDeadlineSeconds and -c connectingDeadlineSeconds', () => {
    const tuned = synthesize({ context: { pendingDeadlineSeconds: '600', connectingDeadlineSeconds: 120 } });
    defaults(tuned, 'updateConnection', { PENDING_DEADLINE_SECONDS: '600', CONNECTING_DEADLINE_SECONDS: '120' });
  });
});

describe('the backlog alarm', () => {
  it('fires when two runs in a row leave due connections, or report nothing, on the metric the handler publishes', () => {
    const alarms = Object.values(synth.template.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.MetricName === DEADLINE_SWEEP.metrics.backlog,
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.Properties).toMatchObject({
      Namespace: 'ResourceConnections',
      Dimensions: [{ Name: 'service', Value: 'resource-connections' }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 2,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      // Every run reports its backlog: no report is a sweep that does not run or does not finish.
      TreatMissingData: 'breaching',
    });
  });

  it.each(['Errors', 'Throttles'])('is joined by an alarm on the sweep function’s %s', (metric) => {
    const found = Object.values(synth.template.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) =>
        a.Properties.Namespace === 'AWS/Lambda' &&
        a.Properties.MetricName === metric &&
        JSON.stringify(a.Properties.Dimensions).includes(JSON.stringify({ Ref: sweepId })),
    );
    expect(found).toHaveLength(1);
  });
});
