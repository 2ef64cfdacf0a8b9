/**
 * Every function as the stack deploys it: its handler module and the environment its synthesized
 * template gives it (NODE_OPTIONS included), with what CloudFormation resolves at deploy time (the
 * table name, the bus name, the paging secret) filled in with local values. Read from the template
 * itself (`cdk synth`'s for the bundle tests, bench/template.ts's for the benchmark), so neither can
 * drift from the stack.
 */
import { ROUTES } from '../functions/routes.ts';

export interface DeployedFunction {
  /** The handler module under functions/handlers/, which also names the function here. */
  readonly name: string;
  /** The construct path below the stack, as `aws:cdk:path` names it. */
  readonly constructPath: string;
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

/** Every deployed function with its environment, from a synthesized template. */
export function deployedFunctions(template: Record<string, unknown>, deployTime: DeployTimeValues): DeployedFunction[] {
  const resources = Object.values(template.Resources as Record<string, FunctionResource>);
  return CONSTRUCT_PATHS.map(({ name, constructPath }) => {
    const fn = resources.find(
      (r) =>
        r.Type === 'AWS::Lambda::Function' &&
        r.Metadata?.['aws:cdk:path'] === `ResourceConnections/${constructPath}/Resource`,
    );
    if (!fn) throw new Error(`no function at ${constructPath} in the template`);
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
    return { name, constructPath, environment, timeoutSeconds, ...(assetPath ? { assetPath } : {}) };
  });
}

/**
 * What the Lambda runtime itself puts in every function's environment (credentials come from the
 * execution role as these variables, which is the SDK's first and cheapest provider).
 */
export function lambdaRuntimeEnvironment(functionName: string, region = 'eu-west-1'): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/01/[$LATEST]0123456789abcdef',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: 'local',
    _HANDLER: 'index.handler',
    // Node 20 on these machines; Lambda runs Node 22, where the SDK prints no such notice.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
