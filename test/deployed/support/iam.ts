/**
 * AWS's permissions for the bundles: each function's process signs with its own name as access
 * key, and every gate of this layer (DynamoDB Local's here, the EventBridge stand-in's in the
 * publisher's file) knows it by that name and holds it to its role as the synthesized template
 * writes it. Every decision goes to one folder, which the least-privilege check reads at the end.
 */
import { accessKeyIdOf, deployedFunctions, LAMBDA_LOCATION } from '../../../testkit/deployed.ts';
import { startIamGate, type Caller, type Gate, type GateOptions } from '../../../testkit/iam/gate.ts';
import { roleOf, type ArnValues, type Template } from '../../../testkit/iam/policy.ts';
import { usageRecorder } from '../../../testkit/iam/usage.ts';

/** Names CloudFormation gives at deploy time, here. */
export const DEPLOYED_TABLE = 'connections-deployed';
export const BUS_NAME = 'connections-deployed-bus';
export const PAGE_TOKEN_SECRET = 'deployed-layer-page-token-secret';
/** Where the template's publisher publishes to channels; a test starts a stand-in there when it needs one. */
export const WATCH_PUBLISH_URL = 'https://events.deployed.example/event';

/** The deploy-time values of every environment variable the template leaves to CloudFormation. */
export const DEPLOY_TIME_VARIABLES = {
  TABLE_NAME: DEPLOYED_TABLE,
  PAGE_TOKEN_SECRET,
  EVENT_BUS_NAME: BUS_NAME,
  WATCH_PUBLISH_URL,
  REALTIME_URL: 'wss://realtime.deployed.example/event/realtime',
  REALTIME_HOST: 'events.deployed.example',
};

/** What the policies' ARNs resolve to: the local table, its stream, the bus. */
export const arnValues = (streamArn: string): ArnValues => ({
  ...LAMBDA_LOCATION,
  names: { 'AWS::DynamoDB::Table': DEPLOYED_TABLE, 'AWS::Events::EventBus': BUS_NAME },
  attributes: { 'AWS::DynamoDB::Table.StreamArn': streamArn },
});

/** Every deployed function as a caller, by the access key its process signs with (from its name). */
export function callers(template: Template, streamArn: string): Map<string, Caller> {
  const functions = deployedFunctions(template as unknown as Record<string, unknown>, DEPLOY_TIME_VARIABLES);
  return new Map(
    functions.map((fn) => [
      accessKeyIdOf(fn.name),
      { name: fn.name, role: roleOf(template, fn.logicalId, arnValues(streamArn)) },
    ]),
  );
}

/** A gate of this layer in front of `upstream`, recording its decisions in the run's folder as `file`. */
export function startGate(
  template: Template,
  options: { upstream: string; streamArn: string; usageDir: string; file: string } & Pick<GateOptions, 'beforeForward'>,
): Promise<Gate> {
  return startIamGate({
    ...LAMBDA_LOCATION,
    upstream: options.upstream,
    callers: callers(template, options.streamArn),
    onUse: usageRecorder(options.usageDir, options.file),
    beforeForward: options.beforeForward,
  });
}
