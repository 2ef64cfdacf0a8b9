/**
 * The store a handler uses, built once per process at module scope (as the Powertools example app
 * builds its document client): the configuration is read when a function starts, and a missing
 * value stops it at once rather than failing on some later request.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, readConfig, type Config } from './client.ts';
import { ConnectionRepository } from './repository.ts';

export const config: Config = readConfig();

/** The handlers' one client: benchmarks and tests attach their meters to it. */
export const documentClient: DynamoDBDocumentClient = createDocumentClient(config.dynamoDbEndpoint);

export const connections = new ConnectionRepository({
  client: documentClient,
  tableName: config.tableName,
  pageTokenSecret: config.pageTokenSecret,
  cascadeTimeBudgetMs: config.cascadeTimeBudgetMs,
  deadlines: config.deadlines,
});
