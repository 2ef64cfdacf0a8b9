/**
 * Each integration test file gets a table of its own, made from the one table definition before the
 * file's modules load (the functions read TABLE_NAME once, at import): files never share data. It is
 * dropped when the file ends, so DynamoDB Local holds one file's data at a time; its name carries the
 * run's prefix, by which the global setup removes whatever a crashed file left.
 */
import { afterAll, inject } from 'vitest';
import { startLocalDatabase } from '../../local/environment.ts';
import { runTableName } from './run-tables.ts';

const database = await startLocalDatabase({
  endpoint: inject('dynamoDbEndpoint'),
  tableName: runTableName('file'),
  dropTable: true,
  // DynamoDB Local keeps every stream record for a day, deleted tables' too, and each write to a
  // table with a stream costs more the more it keeps: only the files that read the stream turn it on.
  stream: false,
});
process.env.TABLE_NAME = database.tableName;
afterAll(() => database.stop());
