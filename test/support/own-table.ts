/**
 * Each integration test file gets a table of its own, made from the one table definition before the
 * file's modules load (the functions read TABLE_NAME once, at import): files never share data. Its
 * name carries the run's prefix, by which the global setup removes it at the end of the run.
 */
import { inject } from 'vitest';
import { startLocalDatabase } from '../../local/environment.ts';
import { runTableName } from './run-tables.ts';

const database = await startLocalDatabase({ endpoint: inject('dynamoDbEndpoint'), tableName: runTableName('file') });
process.env.TABLE_NAME = database.tableName;
