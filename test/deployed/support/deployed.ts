/**
 * The functions of the synthesized stack, each started in its own Node process from its cdk.out
 * asset with the environment its template gives it, as Lambda would run it, against DynamoDB Local
 * behind the IAM gate (support/iam.ts): each may do what its role allows and nothing more.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { deployedFunctions, lambdaRuntimeEnvironment, type DeployedFunction } from '../../../testkit/deployed.ts';
import { LambdaProcess } from '../../../testkit/lambda-process.ts';
import { DEPLOY_TIME_VARIABLES } from './iam.ts';

export { BUS_NAME, DEPLOYED_TABLE, WATCH_PUBLISH_URL } from './iam.ts';

export function cdkOut(): string {
  return inject('cdkOut');
}

export function template(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(cdkOut(), 'ResourceConnections.template.json'), 'utf8')) as Record<
    string,
    unknown
  >;
}

export function functions(): DeployedFunction[] {
  return deployedFunctions(template(), DEPLOY_TIME_VARIABLES);
}

export function deployedFunction(name: string): DeployedFunction {
  const fn = functions().find((f) => f.name === name);
  if (!fn?.assetPath) throw new Error(`no bundled function ${name} in the cloud assembly`);
  return fn;
}

/** Starts the function's bundle; `overrides` stand for what a deploy would set differently. */
export function startFunction(name: string, overrides: Record<string, string> = {}): Promise<LambdaProcess> {
  const fn = deployedFunction(name);
  const env = {
    ...lambdaRuntimeEnvironment(fn.name),
    ...fn.environment,
    // The stack's own setting for a DynamoDB outside AWS (LocalStack; here DynamoDB Local, gated).
    DYNAMODB_ENDPOINT: inject('gatedDynamoDbEndpoint'),
    ...overrides,
  };
  return LambdaProcess.start(join(cdkOut(), fn.assetPath!, 'index.mjs'), env, fn.timeoutSeconds);
}

export interface GatewayAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body?: string;
}

/** Invokes with an API Gateway event; fails on a thrown error (Lambda would answer API Gateway 500). */
export async function call(fn: LambdaProcess, event: unknown): Promise<GatewayAnswer & { json: () => unknown }> {
  const answer = await fn.invoke(event);
  if (answer.error) throw new Error(`the handler threw: ${answer.error}`);
  const result = answer.result as GatewayAnswer;
  return { ...result, json: () => JSON.parse(result.body ?? 'null') as unknown };
}
