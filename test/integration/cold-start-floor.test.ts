/**
 * The benchmark's same-requests floor against DynamoDB Local: the proxy records a function's
 * requests grouped by what was in flight together, and the floor's replay of them on a copy of the
 * table, from the same state, leaves that copy holding exactly what the recorded table holds.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { runTableName } from '../support/run-tables.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { copyTable, forReplay, recordingProxy } from '../../testkit/request-recorder.ts';
import { startLocalDatabase } from '../../local/environment.ts';
import { createDocumentClient } from '#store/client.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { client, freshScope } from '../support/integration.ts';

const endpoint = process.env.DYNAMODB_ENDPOINT!;
// Tables of this run: removed with the others when it ends.
const [source, recorded, replayed] = ['floor-source', 'floor-recorded', 'floor-replayed'].map(runTableName) as [
  string,
  string,
  string,
];
const proxy = await recordingProxy(endpoint, 'http://127.0.0.1:1');
afterAll(() => proxy.close());

const everything = async (table: string) =>
  ((await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? []).sort((a, b) =>
    `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`),
  );

describe('the same-requests floor', () => {
  it('replays what a function sent, in the same groups, to the same effect', async () => {
    const scope = freshScope();
    const seed = new ConnectionRepository({ client, tableName: source, pageTokenSecret: 'x' });
    await startLocalDatabase({ tableName: source, endpoint });
    const input = {
      sourceResourceType: 'application',
      sourceResourceId: 'app-1',
      targetResourceType: 'instance',
      targetResourceId: 'i-1',
    } as const;
    // The source table holds one connection; both copies start from it.
    const { connection } = await seed.create({ scope, input, actor: 'seed' });
    await copyTable(endpoint, source, [recorded, replayed]);

    const viaProxy = new ConnectionRepository({
      client: createDocumentClient(proxy.url),
      tableName: recorded,
      pageTokenSecret: 'x',
    });
    proxy.take();
    await viaProxy.update({ scope, id: connection.id, patch: { status: 'connecting' }, actor: 'w' });
    await Promise.all([viaProxy.get({ scope, id: connection.id }), viaProxy.get({ scope, id: connection.id })]);
    const groups = proxy.take();
    // The connection (one Query of its partition), its environment's shard count, the write; two reads.
    expect(groups.map((group) => group.map((request) => request.operation))).toEqual([
      ['Query'],
      ['GetItem'],
      ['TransactWriteItems'],
      ['Query', 'Query'],
    ]);

    const replay = forReplay(groups, recorded, replayed);
    expect(JSON.stringify(replay)).not.toContain(recorded);
    expect(replay[2]![0]!.input).not.toHaveProperty('ClientRequestToken');
    process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
    const { handler } = await import('../../bench/floor-replay.ts');
    expect(await handler({ groups: replay })).toEqual({ statusCode: 200, body: '{"requests":5}' });
    expect(await everything(replayed)).toEqual(await everything(recorded));
  });
});
