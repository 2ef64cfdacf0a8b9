/**
 * Watching changes end to end: a subscriber over the local WebSocket receives every change made
 * through HTTP once, in commit order per connection; a wildcard channel gets each environment of the
 * project; the client's watch catches up by reading after a reconnection.
 */
import { createServer, connect, type Server, type Socket as NetSocket } from 'node:net';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { channelOf } from '../../functions/realtime/channels.js';
import {
  ResourceConnections,
  type ConnectionChange,
  type WatchStatus,
  type WebSocketConstructor,
} from '../../client/src/index.ts';
import {
  appOnServer,
  baseUrl,
  call,
  canMintTokens,
  connectionsPath,
  freshEnvironment,
  project,
  token,
} from '../support/api.ts';
import { discover, subscribed, type Socket } from '../support/watch-socket.ts';

type Envelope = {
  id: string;
  'detail-type': string;
  detail: { connection: { id: string; environmentSlug: string }; version: number };
};
const events = (socket: Socket) =>
  socket.received.filter((m) => m.type === 'data').map((m) => JSON.parse(m.event!) as Envelope);
const pair = (app: string) =>
  ({ ...appOnServer(app), sourceResourceType: 'application', targetResourceType: 'instance' }) as const;
async function until(check: () => boolean, what: string, ms = 20_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.runIf(canMintTokens)('watching changes', () => {
  it('delivers every change made through HTTP once, in commit order per connection', async () => {
    const env = freshEnvironment();
    const endpoint = await discover();
    const socket = await subscribed(endpoint, token(), channelOf(project, env));
    const ids = await Promise.all(
      ['a', 'b', 'c'].map(
        async (app) => (await call('POST', connectionsPath(env), { json: appOnServer(app) })).body.id as string,
      ),
    );
    // Interleaved changes of the three connections.
    await Promise.all(
      ids.map(async (id, i) => {
        for (const status of ['connecting', 'connected', 'disconnected']) {
          expect((await call('PATCH', `${connectionsPath(env)}/${id}`, { json: { status } })).status).toBe(200);
        }
        if (i === 0) expect((await call('DELETE', `${connectionsPath(env)}/${id}`)).status).toBe(204);
      }),
    );
    const expected = 3 * 4 + 1;
    await until(() => events(socket).length >= expected, `${expected} events`);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // and no more
    const received = events(socket);
    expect(received).toHaveLength(expected);
    expect(new Set(received.map((e) => e.id)).size).toBe(expected);
    for (const id of ids) {
      const versions = received.filter((e) => e.detail.connection.id === id).map((e) => e.detail.version);
      expect(versions).toEqual(id === ids[0] ? [1, 2, 3, 4, 5] : [1, 2, 3, 4]);
    }
    expect(received.filter((e) => e.detail.connection.id === ids[0]).map((e) => e['detail-type'])).toEqual([
      'Connection Created',
      'Connection Status Changed',
      'Connection Status Changed',
      'Connection Status Changed',
      'Connection Deleted',
    ]);
    await socket.close();
  });

  it("delivers every environment of the project on /connections/<project>/*, and no other project's", async () => {
    const [one, two] = [freshEnvironment(), freshEnvironment()];
    const endpoint = await discover();
    const socket = await subscribed(endpoint, token(), `/connections/${project}/*`);
    await call('POST', connectionsPath(one), { json: appOnServer() });
    await call('POST', connectionsPath(two), { json: appOnServer() });
    const other = `${project}x`;
    await call('POST', connectionsPath(one, other), {
      json: appOnServer(),
      token: token({ projects: [`${other}/*`] }),
    });
    await until(() => events(socket).length >= 2, 'two events');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(
      events(socket)
        .map((e) => e.detail.connection.environmentSlug)
        .sort(),
    ).toEqual([one, two].sort());
    await socket.close();
  });
});

/** A TCP relay to the server that can refuse connections and cut those it carries: a network that drops. */
async function relay(target: URL) {
  let open = true;
  const carried = new Set<NetSocket>();
  const server: Server = createServer((client) => {
    if (!open) return client.destroy();
    const upstream = connect(Number(target.port), target.hostname);
    carried.add(client);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      carried.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', drop).on('error', drop);
    upstream.on('close', drop).on('error', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut: () => {
      open = false;
      for (const socket of carried) socket.destroy();
    },
    restore: () => (open = true),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.runIf(canMintTokens)("the client's watch", () => {
  const env = freshEnvironment();
  let network: Awaited<ReturnType<typeof relay>> | undefined;
  afterAll(() => network?.close());

  it('yields what was read before only once, catches up after a reconnection, and misses nothing', async () => {
    const endpoint = await discover();
    network = await relay(new URL(endpoint.url.replace(/^ws/, 'http')));
    // The service names its endpoint; this client reaches it through the relay.
    const viaRelay: typeof fetch = async (input, init) => {
      const answer = await fetch(input, init);
      if (!String(input).endsWith('/realtime')) return answer;
      return Response.json({ ...endpoint, url: endpoint.url.replace(/:\d+\//, `:${network!.port}/`) });
    };
    const client = new ResourceConnections({ baseUrl, token: token(), project, environment: env, fetch: viaRelay });
    const first = await client.connections.create(pair('before'));
    const statuses: WatchStatus[] = [];
    const seen: ConnectionChange[] = [];
    const watching = (async () => {
      const changes = client.watch({
        known: [first],
        WebSocket: WebSocket as unknown as WebSocketConstructor,
        backoff: { baseMs: 100, maxMs: 500 },
        onStatus: (status) => statuses.push(status),
      });
      for await (const change of changes) {
        seen.push(change);
        if (seen.length === 3) return changes.return?.();
      }
    })();
    await until(() => statuses.includes('live'), 'the watch to be live');
    const pushed = await client.connections.create(pair('pushed'));
    await until(() => seen.length === 1, 'the pushed change');
    network.cut();
    // Changed while nobody listens: the channel's delivery is lost, the catch-up read finds them.
    const missed = await client.connections.update(pushed.id, { status: 'connecting' });
    const added = await client.connections.create(pair('missed'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    network.restore();
    await watching;
    expect(statuses).toEqual(expect.arrayContaining(['live', 'paused', 'connecting']));
    // Pushed, or found by the first catch-up read if that read ran after the create committed: once either way.
    expect(seen[0]).toMatchObject({ type: expect.stringMatching(/^(Connection Created|Current)$/), version: 1 });
    expect(seen[0]!.connection.id).toBe(pushed.id);
    expect(
      seen
        .slice(1)
        .map((c) => [c.type, c.connection.id, c.version])
        .sort(),
    ).toEqual(
      [
        ['Current', missed.id, 2],
        ['Current', added.id, 1],
      ].sort(),
    );
    expect(seen.some((c) => c.connection.id === first.id)).toBe(false);
  });
});
