/**
 * The integration suite's DynamoDB, once per run: DynamoDB Local, started here; or, when
 * DYNAMODB_ENDPOINT is set, a DynamoDB already running there (LocalStack's, or DynamoDB Local
 * started by hand with -sharedDb). Each test file makes tables of its own, named with this run's
 * prefix (test/support/own-table.ts); on a DynamoDB the run was given, every table with the prefix
 * is deleted once all files are done. Deleting a big table blocks DynamoDB Local for seconds, so
 * no file deletes one while others still run.
 */
import { randomBytes } from 'node:crypto';
import { DeleteTableCommand, paginateListTables } from '@aws-sdk/client-dynamodb';
import type { TestProject } from 'vitest/node';
import { adminClient, startDynamoDbLocal } from '../../local/environment.ts';

export default async function setup(project: TestProject) {
  const external = process.env.DYNAMODB_ENDPOINT || undefined;
  const local = external ? undefined : await startDynamoDbLocal({});
  const endpoint = external ?? local!.endpoint;
  const prefix = `it-${randomBytes(4).toString('hex')}-`;
  project.provide('dynamoDbEndpoint', endpoint);
  project.provide('tablePrefix', prefix);
  return async () => {
    if (local) return local.stop();
    const admin = adminClient(endpoint);
    try {
      for await (const page of paginateListTables({ client: admin }, {})) {
        for (const name of page.TableNames ?? []) {
          if (name.startsWith(prefix)) await admin.send(new DeleteTableCommand({ TableName: name }));
        }
      }
    } finally {
      admin.destroy();
    }
  };
}
