/**
 * The house Lambda function: every route's function is one of these, so runtime, architecture,
 * bundling, logging and timeout are decided once. Bundling runs the esbuild in node_modules, never
 * Docker, with the options in bundling.ts (the AWS SDK included: measured, it imports faster than the
 * runtime's copy).
 */
import { Duration } from 'aws-cdk-lib';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { FUNCTION_BUNDLING } from './bundling.ts';
import { DEFAULT_TIMEOUT_SECONDS } from '../functions/route-table/shape.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HANDLERS = `${ROOT}functions/handlers/`;

/** What every function reports itself as in logs and EMF metrics. */
export const SERVICE_NAME = 'resource-connections';
export const METRICS_NAMESPACE = 'ResourceConnections';

const OUTPUT_FORMATS = { esm: OutputFormat.ESM, cjs: OutputFormat.CJS } as const;

/** API Gateway gives up on an integration after 30 s: a function must answer well before. */
const MAX_TIMEOUT = Duration.seconds(29);

export interface ServiceFunctionProps {
  /** The handler module under functions/handlers/, without extension; it exports `handler`. */
  readonly handlerModule: string;
  readonly description?: string;
  /** @default 1024 */
  readonly memorySize?: number;
  /** Must be under 30 s. @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Environment the handler reads, added to the Powertools settings every function gets. @default - none */
  readonly environment?: Record<string, string>;
  /**
   * A page under web/ whose files the function serves: its build script writes them into the
   * bundle's `<page>/` folder, as the local server builds them for itself. @default - none
   */
  readonly webPage?: string;
  /** Concurrent executions kept for this function, and its cap. @default - none: the account's pool */
  readonly reservedConcurrentExecutions?: number;
}

/** Runs the page's own build (esbuild, no network) into the asset, after the function is bundled. */
function webPageBuild(page: string) {
  if (!/^[a-z-]+$/.test(page)) throw new Error(`not a page name: ${page}`);
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir: string, outputDir: string) => [
      `node --import tsx "${inputDir}/web/${page}/build.ts" "${outputDir}/${page}"`,
    ],
  };
}

/**
 * Each function has its own log group (with retention) and its own role, which starts with nothing
 * but writing to that log group: no managed policy, and data access is granted per route.
 */
export class ServiceFunction extends NodejsFunction {
  private readonly ownLogGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    const timeout = props.timeout ?? Duration.seconds(DEFAULT_TIMEOUT_SECONDS);
    if (timeout.toSeconds() > MAX_TIMEOUT.toSeconds()) {
      throw new Error(`${id}: timeout ${timeout.toSeconds()} s is not under API Gateway's 30 s`);
    }
    super(scope, id, {
      entry: `${HANDLERS}${props.handlerModule}.ts`,
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: `${ROOT}package-lock.json`,
      description: props.description,
      // The latest Node.js Lambda runs; the unit and integration suites run under it too (npm run test:node24).
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OUTPUT_FORMATS[FUNCTION_BUNDLING.format],
        target: FUNCTION_BUNDLING.target,
        minify: FUNCTION_BUNDLING.minify,
        sourceMap: FUNCTION_BUNDLING.sourcemap,
        sourcesContent: FUNCTION_BUNDLING.sourcesContent,
        mainFields: [...FUNCTION_BUNDLING.mainFields],
        externalModules: [...FUNCTION_BUNDLING.external],
        banner: FUNCTION_BUNDLING.banner.js,
        // esbuild runs in the project root, where the alias paths start.
        esbuildArgs: Object.fromEntries(
          Object.entries(FUNCTION_BUNDLING.alias).map(([from, to]) => [`--alias:${from}`, to]),
        ),
        ...(props.webPage ? { commandHooks: webPageBuild(props.webPage) } : {}),
      },
    });
    // Its log group and role are its own children. The role is the one the function makes for
    // itself, stripped of the managed policy it starts with: it may only write this log group
    // until a route's data access is granted.
    this.ownLogGroup = new LogGroup(this, 'Logs', { retention: props.logRetention ?? RetentionDays.ONE_MONTH });
    (this.node.defaultChild as CfnFunction).loggingConfig = { logGroup: this.ownLogGroup.logGroupName };
    const role = this.role!.node.defaultChild as CfnRole;
    role.managedPolicyArns = undefined;
    role.description = `Runs the ${props.handlerModule} function`;
    this.ownLogGroup.grantWrite(this.role!);
  }

  /** The function's own log group (a child of it), with retention. */
  override get logGroup(): ILogGroup {
    return this.ownLogGroup;
  }
}
