/**
 * Once per run for the bundle layer: `cdk synth` exactly as a deploy runs it (bin/app.ts through
 * cdk.json, no AWS credentials, the functions bundled by the local esbuild), and DynamoDB Local with
 * the service's table. The tests then run the assets of that synth, not a rebuild of their own.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalDatabase } from '../../../local/environment.ts';

export const DEPLOYED_TABLE = 'connections-deployed';
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
  return async () => {
    await dynamo.stop();
    rmSync(cdkOut, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    cdkOut: string;
    synthStatus: number;
    synthStderr: string;
    deployedDynamoDbEndpoint: string;
  }
}
