/**
 * The integration suite's DynamoDB, once per run: DynamoDB Local, started here, with the table the
 * tests share; or, when DYNAMODB_ENDPOINT is set, a DynamoDB already running there (LocalStack's, or
 * DynamoDB Local started by hand), in a table of this run's own that is deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { startLocalDatabase } from '../../local/environment.ts';

export default async function setup(project: TestProject) {
  const endpoint = process.env.DYNAMODB_ENDPOINT || undefined;
  const database = await startLocalDatabase({
    endpoint,
    tableName: endpoint ? `connections-test-${randomBytes(4).toString('hex')}` : 'connections-test',
    dropTable: endpoint !== undefined,
  });
  project.provide('dynamoDbEndpoint', database.endpoint);
  project.provide('tableName', database.tableName);
  return () => database.stop();
}
