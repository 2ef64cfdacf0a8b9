/**
 * The publisher's event filters (the patterns the stack puts on its event source) against the
 * records DynamoDB Local's stream really carries, made as Lambda hands them over, DynamoDB's TTL
 * deletes included (the local stand-in marks them as AWS does): a record passes exactly when it
 * makes an event. Every change a caller can make is here, with an Idempotency-Key and large
 * details, and both kinds of TTL delete: a purged connection, and history entries past their time.
 */
import type { _Record as RawRecord } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConnectionRepository } from '#store/repository.ts';
import { itemReader } from '#store/details.ts';
import { toConnectionEvent } from '../../functions/events/events.ts';
import { sequencedRecord } from '../../functions/events/publisher.ts';
import { PUBLISHED_RECORDS } from '../../functions/events/stream-filter.ts';
import { adminClient, enableStream } from '../../local/environment.ts';
import { matchesPattern } from '../../local/event-filter.ts';
import { followStream, lambdaRecord, type StreamFollower } from '../../local/stream-events.ts';
import { startTtlDeleter, type TtlDeleter } from '../../local/ttl-deleter.ts';
import { client, freshScope, pageTokenSecret, tableName } from '../support/integration.ts';

const endpoint = process.env.DYNAMODB_ENDPOINT!;
const tables = adminClient(endpoint);
const read = itemReader({ client, tableName });
interface Verdict {
  readonly kind: string;
  readonly name: string | undefined;
  readonly ttl: boolean;
  readonly passes: boolean;
  readonly event: string | undefined;
}
const verdicts: Verdict[] = [];
let stream: StreamFollower;
let ttl: TtlDeleter;

/** Each record as it arrives, as the publisher would meet it: whether it passes, whether it makes an event. */
async function judge(record: RawRecord): Promise<Verdict> {
  const identity = ttl.identityOf(record);
  const lambda = lambdaRecord(record, identity);
  const event = await toConnectionEvent(sequencedRecord(lambda), read);
  return {
    kind: String(record.dynamodb?.Keys?.sk?.S).replace(/#\d+$/, ''),
    name: record.eventName,
    ttl: identity !== undefined,
    passes: PUBLISHED_RECORDS.some((pattern) => matchesPattern(pattern, lambda)),
    event: event?.detailType,
  };
}

beforeAll(async () => {
  await enableStream(endpoint, tableName);
  ttl = await startTtlDeleter(tables, tableName);
  stream = await followStream(endpoint, tableName, async (batch) => {
    ttl.observe(batch);
    for (const record of batch) verdicts.push(await judge(record));
  });
});
afterAll(async () => {
  ttl.stop();
  await stream.stop();
  tables.destroy();
});

it('lets through exactly the records that make events', async () => {
  // Deleted connections kept 2 s, history entries 4 s: both kinds of TTL delete happen here.
  const repo = new ConnectionRepository({
    client,
    tableName,
    pageTokenSecret,
    retention: { deleted: 2 / 86_400, history: 4 / 86_400 },
  });
  const scope = freshScope();
  const input = {
    sourceResourceType: 'application',
    sourceResourceId: 'app-1',
    targetResourceType: 'instance',
    targetResourceId: 'i-1',
  } as const;
  const { connection } = await repo.create({
    scope,
    input: { ...input, details: { notes: 'x'.repeat(600) } },
    actor: 'u',
    idempotencyKey: 'k-1',
  });
  const id = connection.id;
  await repo.update({ scope, id, patch: { status: 'connecting', deadlineSeconds: 60 }, actor: 'u' });
  await repo.update({ scope, id, patch: { deadlineSeconds: 120 }, actor: 'u' });
  await repo.update({ scope, id, patch: { details: { port: 22 } }, actor: 'u' });
  await repo.update({ scope, id, patch: { statusReason: 'dns' }, actor: 'u' });
  await repo.delete({ scope, id, actor: 'u' });
  await repo.restore({ scope, id, actor: 'u' });
  await repo.delete({ scope, id, actor: 'u' });
  // A second connection, and a duplicate of it refused: a refused create writes nothing.
  const other = { ...input, sourceResourceId: 'app-2' };
  await repo.create({ scope, input: other, actor: 'u' });
  await expect(repo.create({ scope, input: other, actor: 'u' })).rejects.toThrow();

  const removedByTtl = () => verdicts.filter((v) => v.ttl && v.name === 'REMOVE').map((v) => v.kind);
  // The connection (deleted), and the nine history entries past their time (the other's too).
  for (let waited = 0; removedByTtl().length < 1 + 9 && waited < 20_000; waited += 200)
    await new Promise((resolve) => setTimeout(resolve, 200));
  expect(removedByTtl().sort()).toEqual(['CONNECTION', ...Array<string>(9).fill('HISTORY')]);

  for (const verdict of verdicts) expect(verdict.passes, JSON.stringify(verdict)).toBe(verdict.event !== undefined);
  expect(verdicts.filter((v) => v.event).map((v) => v.event)).toEqual([
    'Connection Created',
    'Connection Status Changed',
    'Connection Updated',
    'Connection Updated',
    'Connection Updated',
    'Connection Deleted',
    'Connection Restored',
    'Connection Deleted',
    'Connection Created',
    'Connection Purged',
  ]);
  // Every kind of item went by, and only the connection's own records passed.
  expect(new Set(verdicts.filter((v) => !v.passes).map((v) => v.kind))).toEqual(
    new Set(['CONNECTION#DETAILS', 'HISTORY', 'PAIR', 'IDEMPOTENCY']),
  );
});
