/**
 * Deploy-time settings, read from CDK context (`-c key=value` or cdk.json) and, for the identity
 * provider, from the environment. Context wins over the environment so a command line is explicit.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { DEFAULT_SHARD_GROWTH, MAX_SHARD_LIMIT } from '../functions/store/table-definition.ts';

export interface ServiceSettings {
  /** The `iss` every token must carry: context `jwtIssuer` or env JWT_ISSUER (an https URL). */
  readonly jwtIssuer: string;
  /** Accepted `aud` (or Cognito `client_id`) values: context `jwtAudience` or env JWT_AUDIENCE, comma-separated. */
  readonly jwtAudience: readonly string[];
  /** Requests per second of each data route (the stage default): context `throttleRateLimit`. */
  readonly throttleRateLimit: number | undefined;
  readonly throttleBurstLimit: number | undefined;
  /** Requests per second of each unauthenticated route and of `$default`, apart from the data routes. */
  readonly publicRateLimit: number | undefined;
  readonly publicBurstLimit: number | undefined;
  /** Concurrent executions kept for the stream publisher, whatever else runs in the account. */
  readonly publisherReservedConcurrency: number | undefined;
  /** Concurrent executions the graph function may use at most (its Queries are the heaviest). */
  readonly graphConcurrency: number | undefined;
  readonly functionMemoryMb: number | undefined;
  readonly logRetention: RetentionDays | undefined;
  /** An existing SNS topic the alarms notify: context `alarmTopicArn` or env ALARM_TOPIC_ARN. */
  readonly alarmTopicArn: string | undefined;
  /** Only for LocalStack-style targets that need the functions pointed at another DynamoDB. */
  readonly dynamoDbEndpoint: string | undefined;
  /**
   * Seconds from entering pending or connecting to the deadline, unless a request gives its own:
   * context `pendingDeadlineSeconds` and `connectingDeadlineSeconds`.
   */
  readonly deadlineSeconds: { readonly pending: number; readonly connecting: number };
  /**
   * How an environment's shards grow (functions/store/shards.ts): it doubles them past
   * `shardGrowthConnections` live connections per shard (default 1,000) or when DynamoDB throttles its
   * writes, up to `maxShards` (a power of two, default 32). Context `shardGrowthConnections`, `maxShards`.
   */
  readonly shardGrowth: { readonly growthConnections: number; readonly max: number };
}

/**
 * The contract's defaults and the bounds of `deadlineSeconds` (functions/model/vocabulary.ts, which
 * lib/ may not import; test/infra/settings.test.ts checks that the two agree).
 */
export const DEFAULT_DEADLINE_SECONDS = { pending: 3600, connecting: 900 } as const;
export const DEADLINE_SECONDS_BOUNDS = { min: 5, max: 604_800 } as const;

export function readSettings(node: Node, env: NodeJS.ProcessEnv = process.env): ServiceSettings {
  const text = (key: string, envName?: string): string | undefined => {
    const value: unknown = node.tryGetContext(key) ?? (envName ? env[envName] : undefined);
    if (value === undefined || value === null || value === '') return undefined;
    return String(value).trim();
  };
  const required = (key: string, envName: string): string => {
    const value = text(key, envName);
    if (!value) {
      throw new Error(
        `Missing ${key}: pass -c ${key}=... to cdk or set ${envName} (see docs/deploy.md). ` +
          'It comes from your identity provider and is not defaulted, so a deploy never trusts a placeholder by accident.',
      );
    }
    return value;
  };
  const positiveNumber = (key: string): number | undefined => {
    const value = text(key);
    if (value === undefined) return undefined;
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0)
      throw new Error(`Context ${key} must be a positive number, got "${value}"`);
    return number;
  };

  const positiveInteger = (key: string): number | undefined => {
    const value = positiveNumber(key);
    if (value !== undefined && !Number.isInteger(value))
      throw new Error(`Context ${key} must be a whole number, got ${value}`);
    return value;
  };
  const deadline = (key: string, fallback: number): number => {
    const value = positiveNumber(key) ?? fallback;
    const { min, max } = DEADLINE_SECONDS_BOUNDS;
    if (!Number.isInteger(value) || value < min || value > max)
      throw new Error(`Context ${key} must be a whole number of seconds from ${min} to ${max}, got ${value}`);
    return value;
  };

  const jwtIssuer = required('jwtIssuer', 'JWT_ISSUER');
  if (!/^https:\/\/[^\s]+$/.test(jwtIssuer)) throw new Error(`jwtIssuer must be an https URL, got "${jwtIssuer}"`);
  const jwtAudience = required('jwtAudience', 'JWT_AUDIENCE')
    .split(',')
    .map((audience) => audience.trim())
    .filter(Boolean);

  const retentionDays = positiveNumber('logRetentionDays');
  if (retentionDays !== undefined && !Object.values(RetentionDays).includes(retentionDays)) {
    throw new Error(
      `Context logRetentionDays must be one of CloudWatch's retention periods (1, 3, 5, 7, 14, 30, 60, 90, ...), got ${retentionDays}`,
    );
  }

  const maxShards = positiveInteger('maxShards') ?? DEFAULT_SHARD_GROWTH.max;
  if (maxShards > MAX_SHARD_LIMIT || (maxShards & (maxShards - 1)) !== 0) {
    throw new Error(`Context maxShards must be a power of two from 1 to ${MAX_SHARD_LIMIT}, got ${maxShards}`);
  }

  return {
    jwtIssuer,
    jwtAudience,
    throttleRateLimit: positiveNumber('throttleRateLimit'),
    throttleBurstLimit: positiveInteger('throttleBurstLimit'),
    publicRateLimit: positiveNumber('publicRateLimit'),
    publicBurstLimit: positiveInteger('publicBurstLimit'),
    publisherReservedConcurrency: positiveInteger('publisherReservedConcurrency'),
    graphConcurrency: positiveInteger('graphConcurrency'),
    functionMemoryMb: positiveNumber('functionMemoryMb'),
    logRetention: retentionDays as RetentionDays | undefined,
    alarmTopicArn: text('alarmTopicArn', 'ALARM_TOPIC_ARN'),
    dynamoDbEndpoint: text('dynamoDbEndpoint'),
    deadlineSeconds: {
      pending: deadline('pendingDeadlineSeconds', DEFAULT_DEADLINE_SECONDS.pending),
      connecting: deadline('connectingDeadlineSeconds', DEFAULT_DEADLINE_SECONDS.connecting),
    },
    shardGrowth: {
      growthConnections: positiveInteger('shardGrowthConnections') ?? DEFAULT_SHARD_GROWTH.growthConnections,
      max: maxShards,
    },
  };
}
