/**
 * Every function as the stack deploys it: its handler module and the environment its synthesized
 * template gives it (NODE_OPTIONS included), with what CloudFormation resolves at deploy time (the
 * table name, the bus name, the paging secret) filled in with local values. Read from the template
 * itself (`cdk synth`'s for the bundle tests, an in-process synth for the benchmark), so neither can
 * drift from the stack.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROUTES } from '../functions/routes.ts';
import { type Route } from '../functions/route-table/shape.ts';
import { ResourceConnectionsStack } from '../lib/resource-connections-stack.ts';
import { readSettings } from '../lib/settings.ts';
import { ROOT } from './esbuild.ts';

export interface DeployedFunction {
  /** The handler module under functions/handlers/, which also names the function here. */
  readonly name: string;
  /** The construct path below the stack, as `aws:cdk:path` names it. */
  readonly constructPath: string;
  /** Its resource's logical id in the template (its role is read from there). */
  readonly logicalId: string;
  /** Environment.Variables of the template, deploy-time values filled in from `deployTime`. */
  readonly environment: Record<string, string>;
  /** The bundle's folder in the cloud assembly, when the template comes from `cdk synth`. */
  readonly assetPath?: string;
  /** Seconds Lambda lets it run: the template's Timeout (CloudFormation's default, 3, without one). */
  readonly timeoutSeconds: number;
}

/** What CloudFormation fills in at deploy time, by variable name; every such variable must be here. */
export type DeployTimeValues = Readonly<Record<string, string>>;

type FunctionResource = {
  Type: string;
  Metadata?: Record<string, string>;
  Properties?: { Environment?: { Variables?: Record<string, unknown> }; Timeout?: number };
};

const CONSTRUCT_PATHS: readonly { name: string; constructPath: string }[] = [
  ...ROUTES.map((route) => ({ name: route.handler, constructPath: `${route.id}Function` })),
  { name: 'publish-events', constructPath: 'Events/Publisher' },
  { name: 'sweep-deadlines', constructPath: 'Deadlines/Sweep' },
];

/**
 * Synthesizes the stack in process (no bundling, no credentials) and returns its template; `routes`
 * stands in for the route table (a test's variant of it).
 */
export function synthesizedTemplate(routes?: readonly Route[]): Record<string, unknown> {
  const context = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> })
    .context;
  const outdir = mkdtempSync(join(tmpdir(), 'rc-deployed-'));
  try {
    const app = new App({
      outdir,
      context: {
        ...context,
        jwtIssuer: 'https://issuer.example.com/',
        jwtAudience: 'resource-connections-api',
        'aws:cdk:bundling-stacks': [],
        // As the CLI does: the construct path of each resource names its function.
        'aws:cdk:enable-path-metadata': true,
      },
    });
    const stack = new ResourceConnectionsStack(app, 'ResourceConnections', {
      settings: readSettings(app.node, {}, routes),
      ...(routes ? { routes } : {}),
    });
    return Template.fromStack(stack).toJSON();
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Every deployed function with its environment, from a synthesized template. */
export function deployedFunctions(template: Record<string, unknown>, deployTime: DeployTimeValues): DeployedFunction[] {
  const resources = Object.entries(template.Resources as Record<string, FunctionResource>);
  return CONSTRUCT_PATHS.map(({ name, constructPath }) => {
    const [logicalId, fn] =
      resources.find(
        ([, r]) =>
          r.Type === 'AWS::Lambda::Function' &&
          r.Metadata?.['aws:cdk:path'] === `ResourceConnections/${constructPath}/Resource`,
      ) ?? [];
    if (!logicalId || !fn) throw new Error(`no function at ${constructPath} in the template`);
    const variables = fn.Properties?.Environment?.Variables ?? {};
    const environment = Object.fromEntries(
      Object.entries(variables).map(([key, value]) => {
        if (typeof value === 'string' && !value.startsWith('{{resolve:')) return [key, value];
        const local = deployTime[key];
        if (local === undefined) throw new Error(`${constructPath}: ${key} is resolved at deploy time; give a value`);
        return [key, local];
      }),
    );
    const assetPath = fn.Metadata?.['aws:asset:path'];
    const timeoutSeconds = fn.Properties?.Timeout ?? 3;
    return { name, constructPath, logicalId, environment, timeoutSeconds, ...(assetPath ? { assetPath } : {}) };
  });
}

/** Where the local functions believe they run: the region and account of every ARN the tests make. */
export const LAMBDA_LOCATION = { region: 'eu-west-1', account: '123456789012' } as const;

/**
 * The access key a function's process signs with: its name, in the letters and digits DynamoDB
 * Local accepts in one. An IAM gate (testkit/iam/gate.ts) knows the caller by it.
 */
export const accessKeyIdOf = (functionName: string): string => functionName.replace(/[^A-Za-z0-9]/g, '');

/**
 * What the Lambda runtime itself puts in every function's environment (credentials come from the
 * execution role as these variables, which is the SDK's first and cheapest provider).
 */
export function lambdaRuntimeEnvironment(
  functionName: string,
  region: string = LAMBDA_LOCATION.region,
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/01/[$LATEST]0123456789abcdef',
    AWS_ACCESS_KEY_ID: accessKeyIdOf(functionName),
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: 'local',
    _HANDLER: 'index.handler',
    // Node 20 on these machines; Lambda runs Node 24, where the SDK prints no such notice.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
