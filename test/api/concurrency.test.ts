/** docs/api.md's concurrency promises, over real HTTP. */
import { describe, expect, it } from 'vitest';
import { appOnServer, call, connectionsPath, freshEnvironment } from '../support/api.ts';

describe('concurrency', () => {
  it('of 50 simultaneous identical creates exactly one succeeds; the rest are 409 naming it', async () => {
    const env = freshEnvironment();

    const answers = await Promise.all(
      Array.from({ length: 50 }, () => call('POST', connectionsPath(env), { json: appOnServer() })),
    );

    const created = answers.filter((a) => a.status === 201);
    expect(created).toHaveLength(1);
    const refused = answers.filter((a) => a.status === 409);
    expect(refused).toHaveLength(49);
    expect(new Set(refused.map((a) => a.body.existingConnectionId))).toEqual(new Set([created[0]!.body.id]));
    expect((await call('GET', connectionsPath(env))).body.items).toHaveLength(1);
  });

  it('of 20 PATCHes with the same If-Match one wins and the rest are 412; the version grows by one', async () => {
    const env = freshEnvironment();
    const { body } = await call('POST', connectionsPath(env), { json: appOnServer() });
    const url = `${connectionsPath(env)}/${body.id}`;

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call('PATCH', url, { json: { statusReason: `r${i}` }, headers: { 'if-match': '"1"' } }),
      ),
    );

    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 412)).toHaveLength(19);
    expect((await call('GET', url)).body.version).toBe(2);
  });
  it('of 6 simultaneous restores of one deleted connection one is 200, the others 409 CONNECTION_NOT_DELETED', async () => {
    const env = freshEnvironment();
    const { body } = await call('POST', connectionsPath(env), { json: appOnServer() });
    const url = `${connectionsPath(env)}/${body.id}`;
    expect((await call('DELETE', url)).status).toBe(204);

    const answers = await Promise.all(Array.from({ length: 6 }, () => call('POST', `${url}/restore`)));

    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.map((a) => [a.status, a.body.code])).toEqual(Array(5).fill([409, 'CONNECTION_NOT_DELETED']));
    expect(refused.map((a) => a.body.existingConnectionId)).toEqual(Array(5).fill(undefined));
    expect((await call('GET', url)).body).toMatchObject({ version: 3, status: 'pending' });
    console.log(`racing restores (N=6): ${answers.map((a) => `${a.status} ${a.body.code ?? ''}`.trim()).join(', ')}`);
  });
});
