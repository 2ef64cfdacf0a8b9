/**
 * The configuration and the DynamoDB client, as plain factories with no state: the handlers' store
 * (connections.ts) builds them once, tests and benchmarks build their own.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  DEFAULT_DEADLINE_SECONDS,
  MAX_DEADLINE_SECONDS,
  MIN_DEADLINE_SECONDS,
  type DeadlineDefaults,
  type DeadlineStatus,
} from '#model/vocabulary.ts';
import { requiredVariable } from '../environment.ts';

export interface Config {
  readonly tableName: string;
  /** Seals paging tokens; rotate it and outstanding tokens answer 400 INVALID_NEXT_TOKEN. */
  readonly pageTokenSecret: string;
  /** Set for DynamoDB Local or LocalStack; unset in AWS. */
  readonly dynamoDbEndpoint: string | undefined;
  /** A cascade request's time budget (`CASCADE_TIME_BUDGET_MS`); unset: the store's 20 s. */
  readonly cascadeTimeBudgetMs: number | undefined;
  /** `PENDING_DEADLINE_SECONDS`, `CONNECTING_DEADLINE_SECONDS`; unset: the contract's 3,600 and 900. */
  readonly deadlines: DeadlineDefaults;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const required = (name: string): string => requiredVariable(name, env);
  const positive = (name: string): number => {
    const value = Number(env[name]);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
    return value;
  };
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
    pageTokenSecret: required('PAGE_TOKEN_SECRET'),
    dynamoDbEndpoint: env.DYNAMODB_ENDPOINT || undefined,
    cascadeTimeBudgetMs: env.CASCADE_TIME_BUDGET_MS ? positive('CASCADE_TIME_BUDGET_MS') : undefined,
    deadlines: { pending: deadline('pending'), connecting: deadline('connecting') },
  };
}

export function createDocumentClient(endpoint: string | undefined): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...(endpoint ? { endpoint, region: process.env.AWS_REGION ?? 'local' } : {}),
    // Bounded: three tries of at most 2 s each end well inside the functions' 10 s timeout, so a
    // database that hangs becomes a 503, never a timed-out function.
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 2000, throwOnRequestTimeout: true },
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
