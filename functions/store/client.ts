/**
 * The configuration and the DynamoDB client, as plain factories with no state: the handlers' store
 * (connections.ts) builds them once, tests and benchmarks build their own.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  DEFAULT_DEADLINE_SECONDS,
  DEFAULT_RETENTION_DAYS,
  MAX_DEADLINE_SECONDS,
  MIN_DEADLINE_SECONDS,
  type DeadlineDefaults,
  type DeadlineStatus,
  type RetentionDays,
} from '#model/vocabulary.ts';
import { requiredVariable } from '../environment.ts';
import { STORE_RETRIES } from './database-errors.ts';
import { DEFAULT_SHARD_GROWTH, MAX_SHARD_LIMIT, type ShardGrowth } from './table-definition.ts';

export interface Config {
  readonly tableName: string;
  /**
   * Seals paging tokens; rotate it and outstanding tokens answer 400 INVALID_NEXT_TOKEN. Only the
   * functions that page are given it (functions/routes.ts, `data.pageTokens`).
   */
  readonly pageTokenSecret: string | undefined;
  /** Set for DynamoDB Local or LocalStack; unset in AWS. */
  readonly dynamoDbEndpoint: string | undefined;
  /** A cascade request's time budget (`CASCADE_TIME_BUDGET_MS`); unset: the store's 20 s. */
  readonly cascadeTimeBudgetMs: number | undefined;
  /** `PENDING_DEADLINE_SECONDS`, `CONNECTING_DEADLINE_SECONDS`; unset: docs/api.md's 3,600 and 900. */
  readonly deadlines: DeadlineDefaults;
  /** `DELETED_RETENTION_DAYS`, `HISTORY_RETENTION_DAYS` (fractions allowed, for tests); unset: 90 and 400. */
  readonly retention: RetentionDays;
  /** `SWEEP_BATCH_LIMIT`: due connections one deadline sweep takes at most; unset: the store's 1,000. */
  readonly sweepBatchLimit: number | undefined;
  /** `SHARD_GROWTH_CONNECTIONS` and `MAX_SHARDS`; unset: DEFAULT_SHARD_GROWTH. */
  readonly shardGrowth: ShardGrowth;
}

/** A setting that must be a positive whole number. */
function positiveInteger(name: string, env: NodeJS.ProcessEnv): number {
  const value = Number(env[name]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

/** `SWEEP_BATCH_LIMIT`, checked; unset: undefined (the store's 1,000). */
export const readSweepBatchLimit = (env: NodeJS.ProcessEnv = process.env): number | undefined =>
  env.SWEEP_BATCH_LIMIT ? positiveInteger('SWEEP_BATCH_LIMIT', env) : undefined;

/** `DELETED_RETENTION_DAYS` and `HISTORY_RETENTION_DAYS`, checked: days, 0 (forever) or more, fractions allowed. */
export function readRetention(env: NodeJS.ProcessEnv = process.env): RetentionDays {
  const days = (name: string, fallback: number): number => {
    if (!env[name]) return fallback;
    const value = Number(env[name]);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number of days, 0 or more`);
    return value;
  };
  return {
    deleted: days('DELETED_RETENTION_DAYS', DEFAULT_RETENTION_DAYS.deleted),
    history: days('HISTORY_RETENTION_DAYS', DEFAULT_RETENTION_DAYS.history),
  };
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const required = (name: string): string => requiredVariable(name, env);
  const positive = (name: string): number => positiveInteger(name, env);
  /** `<STATUS>_DEADLINE_SECONDS`, held to the bounds a caller's `deadlineSeconds` is. */
  const deadline = (status: DeadlineStatus): number => {
    const name = `${status.toUpperCase()}_DEADLINE_SECONDS`;
    if (!env[name]) return DEFAULT_DEADLINE_SECONDS[status];
    const value = positive(name);
    if (value < MIN_DEADLINE_SECONDS || value > MAX_DEADLINE_SECONDS)
      throw new Error(`${name} must be from ${MIN_DEADLINE_SECONDS} to ${MAX_DEADLINE_SECONDS} seconds`);
    return value;
  };
  return {
    tableName: required('TABLE_NAME'),
    pageTokenSecret: env.PAGE_TOKEN_SECRET || undefined,
    dynamoDbEndpoint: env.DYNAMODB_ENDPOINT || undefined,
    cascadeTimeBudgetMs: env.CASCADE_TIME_BUDGET_MS ? positive('CASCADE_TIME_BUDGET_MS') : undefined,
    deadlines: { pending: deadline('pending'), connecting: deadline('connecting') },
    retention: readRetention(env),
    sweepBatchLimit: readSweepBatchLimit(env),
    shardGrowth: {
      growthConnections: env.SHARD_GROWTH_CONNECTIONS
        ? positive('SHARD_GROWTH_CONNECTIONS')
        : DEFAULT_SHARD_GROWTH.growthConnections,
      max: env.MAX_SHARDS ? maxShards(positive('MAX_SHARDS')) : DEFAULT_SHARD_GROWTH.max,
    },
  };
}

/** A shard count is a power of two (an entry written under it then lies in one of a doubled count's shards). */
function maxShards(value: number): number {
  if (value > MAX_SHARD_LIMIT || (value & (value - 1)) !== 0) {
    throw new Error(`MAX_SHARDS must be a power of two from 1 to ${MAX_SHARD_LIMIT}`);
  }
  return value;
}

/** What the SDK's retry strategy is told about a failed call (the part of it this one reads). */
interface RetryErrorInfo {
  readonly errorType: 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR';
  readonly error?: unknown;
}

/** Tries per call the SDK makes itself: a network or 5xx failure 3 times, a throttled call twice. */
export const SDK_ATTEMPTS = { TRANSIENT: 3, THROTTLING: 2 } as const;

const retryToken = (count: number, delay: number) => ({
  getRetryCount: () => count,
  getRetryDelay: () => delay,
});

/**
 * The SDK's own retries, bounded and brief: a throttled read is tried once more after a few tens
 * of milliseconds; the calls of a write are not retried here when throttled, since the store's
 * write budget does (transactions.ts: 3 tries in all). No token bucket: a Lambda serves one
 * request at a time, and the store's budgets bound what one request sends.
 */
const retryStrategy = {
  acquireInitialRetryToken: () => Promise.resolve(retryToken(0, 0)),
  refreshRetryTokenForRetry: (token: { getRetryCount(): number }, info: RetryErrorInfo) => {
    const next = token.getRetryCount() + 1;
    const storeRetries = (info.error as Record<string, unknown> | undefined)?.[STORE_RETRIES] === true;
    const attempts =
      info.errorType === 'THROTTLING'
        ? storeRetries
          ? 1
          : SDK_ATTEMPTS.THROTTLING
        : info.errorType === 'TRANSIENT'
          ? SDK_ATTEMPTS.TRANSIENT
          : 1;
    if (next >= attempts) return Promise.reject(new Error('no retry left'));
    // Full jitter, so callers throttled together do not come back together.
    return Promise.resolve(retryToken(next, Math.round(Math.random() * 50 * 2 ** next)));
  },
  recordSuccess: () => undefined,
};

/**
 * How long one DynamoDB request may take: `DYNAMODB_REQUEST_TIMEOUT_MS`, else 2 s. Three tries of
 * 2 s end well inside the functions' 10 s timeout, so a database that hangs becomes a 503, never a
 * timed-out function. DynamoDB Local is no DynamoDB: on a busy two-core machine its JVM stalls for
 * seconds, so local runs and the test suites set more (local/environment.ts).
 */
export function requestTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.DYNAMODB_REQUEST_TIMEOUT_MS;
  if (!given) return 2000;
  const value = Number(given);
  if (!Number.isInteger(value) || value <= 0) throw new Error('DYNAMODB_REQUEST_TIMEOUT_MS must be a positive integer');
  return value;
}

export function createDocumentClient(
  endpoint: string | undefined,
  timeoutMs: number = requestTimeoutMs(),
): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...(endpoint ? { endpoint, region: process.env.AWS_REGION ?? 'local' } : {}),
    maxAttempts: SDK_ATTEMPTS.TRANSIENT,
    retryStrategy,
    requestHandler: { connectionTimeout: 1000, requestTimeout: timeoutMs, throwOnRequestTimeout: true },
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
