/**
 * `npm run bench:cold`: the cold-start section of `npm run bench` alone (a few minutes). Starts its
 * own DynamoDB Local for the first-invocation figure. BENCH_COLD_PAIRS pairs (default 21).
 */
import './env.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { startLocalDatabase } from '../local/environment.ts';
import { measureColdStart } from './cold-start.ts';
import { coldStartTable } from './cold-start-table.ts';
import { machine } from './report.ts';

const pairs = Number(process.env.BENCH_COLD_PAIRS ?? 21);
if (!Number.isInteger(pairs) || pairs < 1) throw new Error('BENCH_COLD_PAIRS must be a positive integer');

const tableName = process.env.TABLE_NAME!;
const dynamo = await startLocalDatabase({ tableName, dataDir: ':memory:' });
try {
  const results = await measureColdStart(pairs, { endpoint: dynamo.endpoint, tableName });
  console.log(`machine: ${machine()}\n\n${coldStartTable(results)}`);
  mkdirSync('.data', { recursive: true });
  writeFileSync('.data/bench-cold-start.json', `${JSON.stringify(results, null, 2)}\n`);
} finally {
  await dynamo.stop();
}
