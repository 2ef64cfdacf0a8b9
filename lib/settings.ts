/**
 * Deploy-time settings, read from CDK context (`-c key=value` or cdk.json) and, for the identity
 * provider, from the environment. Context wins over the environment so a command line is explicit.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { ROUTES } from '../functions/routes.ts';
import { type Route } from '../functions/route-table/shape.ts';
import { DEFAULT_SHARD_GROWTH, MAX_SHARD_LIMIT, TABLE, type IndexName } from '#store/table-definition.ts';

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
  /**
   * The caps routes take from the deploy (functions/routes.ts, `concurrency`), by setting name
   * (`graphConcurrency`, `cascadeConcurrency`): only those given; a route's default stands otherwise.
   */
  readonly concurrency: Readonly<Record<string, number>>;
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
  /** Due connections one deadline sweep run takes at most: context `sweepBatchLimit` (unset: 1,000). */
  readonly sweepBatchLimit: number | undefined;
  /**
   * Days a soft-deleted connection stays restorable, and a history entry is kept, before DynamoDB's
   * TTL removes them (0: forever): context `deletedRetentionDays` and `historyRetentionDays`.
   */
  readonly retentionDays: { readonly deleted: number; readonly history: number };
  /** Seconds the stream publisher waits to fill a batch: context `publisherBatchingWindowSeconds`. */
  readonly publisherBatchingWindowSeconds: number;
  /**
   * Read and write units per second the table and each index serve from the start (warm
   * throughput), where AWS's defaults are too low for a launch: context `warmThroughput`.
   */
  readonly warmThroughput: WarmThroughputSettings;
  /**
   * How an environment's shards grow (functions/store/shards.ts): it doubles them past
   * `shardGrowthConnections` live connections per shard (default 1,000) or when DynamoDB throttles its
   * writes, up to `maxShards` (a power of two, default 32). Context `shardGrowthConnections`, `maxShards`.
   */
  readonly shardGrowth: { readonly growthConnections: number; readonly max: number };
}

/** Units per second, each side optional (unset: AWS's own, 12,000 reads and 4,000 writes for a new table). */
export interface WarmUnits {
  readonly readUnitsPerSecond?: number;
  readonly writeUnitsPerSecond?: number;
}

/** For the table (`table`) and each index by name. */
export type WarmThroughputSettings = Readonly<Partial<Record<'table' | IndexName, WarmUnits>>>;

/**
 * docs/api.md's defaults and the bounds of `deadlineSeconds` (functions/model/vocabulary.ts, which
 * lib/ may not import; test/infra/settings.test.ts checks that the two agree).
 */
export const DEFAULT_DEADLINE_SECONDS = { pending: 3600, connecting: 900 } as const;
export const DEADLINE_SECONDS_BOUNDS = { min: 5, max: 604_800 } as const;
/** docs/api.md's retention defaults, in days (0 keeps forever). */
export const DEFAULT_RETENTION_DAYS = { deleted: 90, history: 400 } as const;
/**
 * One second: the smallest batching window Lambda takes above none. It adds at most a second to an
 * event's way out and lets one invocation carry what the stream's four polls a second would send
 * apart (docs/capacity.md).
 */
export const DEFAULT_PUBLISHER_BATCHING_WINDOW_SECONDS = 1;
/** What DynamoDB gives a new on-demand table and each of its indexes without asking. */
export const DEFAULT_WARM_THROUGHPUT = { readUnitsPerSecond: 12_000, writeUnitsPerSecond: 4_000 } as const;

/** `routes`: whose concurrency settings to read (the route table, or the routes a test deploys). */
export function readSettings(
  node: Node,
  env: NodeJS.ProcessEnv = process.env,
  routes: readonly Route[] = ROUTES,
): ServiceSettings {
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

  const wholeNumber = (key: string, fallback: number, max = Infinity): number => {
    const given = text(key);
    const value = given === undefined ? fallback : Number(given);
    if (!Number.isInteger(value) || value < 0 || value > max)
      throw new Error(
        `Context ${key} must be a whole number from 0${max === Infinity ? '' : ` to ${max}`}, got "${given}"`,
      );
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
    concurrency: Object.fromEntries(
      routes.flatMap((route) => {
        const given = route.concurrency && positiveInteger(route.concurrency.setting);
        return given ? [[route.concurrency!.setting, given]] : [];
      }),
    ),
    functionMemoryMb: positiveNumber('functionMemoryMb'),
    logRetention: retentionDays as RetentionDays | undefined,
    alarmTopicArn: text('alarmTopicArn', 'ALARM_TOPIC_ARN'),
    dynamoDbEndpoint: text('dynamoDbEndpoint'),
    deadlineSeconds: {
      pending: deadline('pendingDeadlineSeconds', DEFAULT_DEADLINE_SECONDS.pending),
      connecting: deadline('connectingDeadlineSeconds', DEFAULT_DEADLINE_SECONDS.connecting),
    },
    sweepBatchLimit: positiveInteger('sweepBatchLimit'),
    retentionDays: {
      deleted: wholeNumber('deletedRetentionDays', DEFAULT_RETENTION_DAYS.deleted),
      history: wholeNumber('historyRetentionDays', DEFAULT_RETENTION_DAYS.history),
    },
    // Lambda takes 0 to 300 seconds.
    publisherBatchingWindowSeconds: wholeNumber(
      'publisherBatchingWindowSeconds',
      DEFAULT_PUBLISHER_BATCHING_WINDOW_SECONDS,
      300,
    ),
    warmThroughput: warmThroughput(node.tryGetContext('warmThroughput')),
    shardGrowth: {
      growthConnections: positiveInteger('shardGrowthConnections') ?? DEFAULT_SHARD_GROWTH.growthConnections,
      max: maxShards,
    },
  };
}

/**
 * `warmThroughput`: `{ "table": { "writeUnitsPerSecond": 20000 }, "byStatus": { … }, … }`, as
 * an object in cdk.json or JSON text after `-c`. DynamoDB never lowers warm throughput, and every
 * table starts with its defaults: a value below them is a mistake.
 */
function warmThroughput(given: unknown): WarmThroughputSettings {
  if (given === undefined || given === null || given === '') return {};
  const parsed: unknown = typeof given === 'string' ? JSON.parse(given) : given;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('Context warmThroughput must be an object: {"table": {"writeUnitsPerSecond": 20000}, ...}');
  const names = ['table', ...Object.keys(TABLE.indexes)];
  const out: Record<string, WarmUnits> = {};
  for (const [name, units] of Object.entries(parsed)) {
    if (!names.includes(name))
      throw new Error(`Context warmThroughput: "${name}" is neither the table nor an index (${names.join(', ')})`);
    const side = (key: 'readUnitsPerSecond' | 'writeUnitsPerSecond'): number | undefined => {
      const value: unknown = (units as Record<string, unknown>)[key];
      if (value === undefined) return undefined;
      const number = Number(value);
      if (!Number.isInteger(number) || number < DEFAULT_WARM_THROUGHPUT[key])
        throw new Error(
          `Context warmThroughput.${name}.${key} must be a whole number of at least ${DEFAULT_WARM_THROUGHPUT[key]} (DynamoDB's own), got ${String(value)}`,
        );
      return number;
    };
    const extra = Object.keys(units as object).filter(
      (key) => key !== 'readUnitsPerSecond' && key !== 'writeUnitsPerSecond',
    );
    if (extra.length > 0) throw new Error(`Context warmThroughput.${name}: unknown ${extra.join(', ')}`);
    const read = side('readUnitsPerSecond');
    const write = side('writeUnitsPerSecond');
    out[name] = {
      ...(read === undefined ? {} : { readUnitsPerSecond: read }),
      ...(write === undefined ? {} : { writeUnitsPerSecond: write }),
    };
  }
  return out;
}
