/**
 * `npm run bench:cold`: the cold-start section of `npm run bench` alone (a few minutes). Starts its
 * own DynamoDB Local for the first-invocation figure. BENCH_COLD_PAIRS pairs (default 11).
 */
import './env.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdirSync, writeFileSync } from 'node:fs';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { ensureTable } from '../local/table.ts';
import { measureColdStart } from './cold-start.ts';
import { coldStartTable } from './cold-start-table.ts';
import { machine } from './report.ts';

const pairs = Number(process.env.BENCH_COLD_PAIRS ?? 11);
if (!Number.isInteger(pairs) || pairs < 1) throw new Error('BENCH_COLD_PAIRS must be a positive integer');

const dynamo = await startDynamoDbLocal({ dataDir: ':memory:' });
try {
  const tableName = process.env.TABLE_NAME!;
  const admin = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'local' });
  await ensureTable(admin, tableName);
  admin.destroy();
  const results = await measureColdStart(pairs, { endpoint: dynamo.endpoint, tableName });
  console.log(`machine: ${machine()}\n\n${coldStartTable(results)}`);
  mkdirSync('.data', { recursive: true });
  writeFileSync('.data/bench-cold-start.json', `${JSON.stringify(results, null, 2)}\n`);
} finally {
  await dynamo.stop();
}
