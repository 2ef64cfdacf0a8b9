/**
 * The house function construct on its own, in a bare stack: what every function of the service gets
 * from it (runtime, architecture, timeout, its own log group and role as its children, a role that
 * may only write that log group), without the rest of the service around it.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SYNTH_TIMEOUT } from './support/synth.ts';
import { beforeAll, expect, it } from 'vitest';
import { ServiceFunction } from '../../lib/service-function.ts';

let stack: Stack;
let fn: ServiceFunction;
let template: Template;
beforeAll(() => {
  // No bundling: assertions on the template do not need the code.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  stack = new Stack(app, 'Bare');
  fn = new ServiceFunction(stack, 'Health', { handlerModule: 'health', description: 'GET /health' });
  template = Template.fromStack(stack);
}, SYNTH_TIMEOUT);

const ref = (construct: { node: { defaultChild?: unknown } }) => ({
  Ref: stack.resolve(stack.getLogicalId(construct.node.defaultChild as never)) as string,
});

it('runs Node.js 24 on arm64 with a 10 s timeout and 1 GB, reporting as the service', () => {
  template.hasResourceProperties('AWS::Lambda::Function', {
    Runtime: 'nodejs24.x',
    Architectures: ['arm64'],
    Timeout: 10,
    MemorySize: 1024,
    Description: 'GET /health',
    Environment: {
      Variables: {
        POWERTOOLS_SERVICE_NAME: 'resource-connections',
        POWERTOOLS_METRICS_NAMESPACE: 'ResourceConnections',
      },
    },
  });
});

it('logs to a log group of its own, its child, kept 30 days', () => {
  const logGroup = fn.node.findChild('Logs') as never;
  expect(fn.logGroup).toBe(logGroup);
  template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: ref(logGroup) } });
});

it('runs as a role of its own, its child, with no managed policy, that may only write its log group', () => {
  expect(fn.role!.node.scope).toBe(fn);
  template.hasResourceProperties('AWS::IAM::Role', {
    ManagedPolicyArns: Match.absent(),
    Description: 'Runs the health function',
  });
  template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: [ref(fn.role! as never)],
    PolicyDocument: {
      Statement: [
        {
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [ref(fn.logGroup as never).Ref, 'Arn'] },
        },
      ],
    },
  });
  // Nothing of it is left in the stack's own scope.
  const resources = stack.node.children.filter((child) => child.node.defaultChild || child === fn);
  expect(resources.map((child) => child.node.id)).toEqual(['Health']);
});

it('refuses a timeout API Gateway would not wait for', () => {
  const other = new Stack(new App(), 'Other');
  expect(() => new ServiceFunction(other, 'Slow', { handlerModule: 'health', timeout: Duration.seconds(30) })).toThrow(
    /not under API Gateway's 30 s/,
  );
});
