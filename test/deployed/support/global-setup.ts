/**
 * Once per run for the bundle layer: `cdk synth` exactly as a deploy runs it (bin/app.ts through
 * cdk.json, no AWS credentials, the functions bundled by the local esbuild), and DynamoDB Local with
 * the service's table behind an IAM gate holding each function to its role in that synth's
 * template. The tests then run the assets of that synth, not a rebuild of their own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { TestProject } from 'vitest/node';
import { adminClient, startLocalDatabase } from '../../../local/environment.ts';
import { LAMBDA_LOCATION } from '../../../testkit/deployed.ts';
import type { Gate } from '../../../testkit/iam/gate.ts';
import type { Template } from '../../../testkit/iam/policy.ts';
import { relocated } from '../../../testkit/iam/services.ts';
import { DEPLOYED_TABLE, startGate } from './iam.ts';

export { DEPLOYED_TABLE };
export const TEST_ISSUER = 'https://issuer.example.com/';
export const TEST_AUDIENCE = 'resource-connections-api';
const ROOT = new URL('../../../', import.meta.url).pathname;

/** The environment of a machine with no AWS account: no keys, no profile, no instance metadata. */
export function offlineEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(AWS_|CDK_|JWT_)/.test(name)));
  const nowhere = join(tmpdir(), 'no-aws-config-here');
  return {
    ...env,
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

export default async function setup(project: TestProject) {
  // DynamoDB Local first: its JVM starts while nothing else competes for the CPU.
  const dynamo = await startLocalDatabase({ tableName: DEPLOYED_TABLE, dataDir: ':memory:' });
  const cdkOut = mkdtempSync(join(tmpdir(), 'rc-cdk-out-'));
  const args = ['cdk', 'synth', '--quiet', '--no-notices', '-c', `jwtIssuer=${TEST_ISSUER}`];
  args.push('-c', `jwtAudience=${TEST_AUDIENCE}`, '-o', cdkOut);
  const synth = spawnSync('npx', args, { cwd: ROOT, env: offlineEnv(), encoding: 'utf8', timeout: 900_000 });
  project.provide('cdkOut', cdkOut);
  project.provide('synthStatus', synth.status ?? -1);
  project.provide('synthStderr', `${synth.stderr ?? ''}${synth.error ? String(synth.error) : ''}`);
  project.provide('deployedDynamoDbEndpoint', dynamo.endpoint);

  // The table's stream, as its ARN reads in AWS: what the publisher's stream grants name.
  const admin = adminClient(dynamo.endpoint);
  const { Table } = await admin.send(new DescribeTableCommand({ TableName: DEPLOYED_TABLE }));
  admin.destroy();
  const streamArn = relocated(Table!.LatestStreamArn!, LAMBDA_LOCATION);
  const usageDir = join(cdkOut, 'iam-usage');
  const templateFile = join(cdkOut, 'ResourceConnections.template.json');
  let gate: Gate | undefined;
  // Without a template there is nothing to gate by: the synth test reports why.
  if (existsSync(templateFile)) {
    const template = JSON.parse(readFileSync(templateFile, 'utf8')) as Template;
    gate = await startGate(template, { upstream: dynamo.endpoint, streamArn, usageDir, file: 'dynamodb' });
  }
  project.provide('gatedDynamoDbEndpoint', gate?.endpoint ?? 'http://127.0.0.1:1');
  project.provide('deployedStreamArn', streamArn);
  project.provide('iamUsageDir', usageDir);
  return async () => {
    await gate?.close();
    await dynamo.stop();
    rmSync(cdkOut, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    cdkOut: string;
    synthStatus: number;
    synthStderr: string;
    /** DynamoDB Local itself: for the test process's own clients. */
    deployedDynamoDbEndpoint: string;
    /** DynamoDB Local behind the IAM gate: for the functions' processes. */
    gatedDynamoDbEndpoint: string;
    /** The table's stream ARN, placed in the functions' region and account. */
    deployedStreamArn: string;
    /** Where the run's IAM gates record each decision. */
    iamUsageDir: string;
  }
}
