/**
 * The local real-time endpoint speaks AppSync Events' WebSocket protocol, message by message as
 * AWS's "Understanding the Event API WebSocket protocol" shows them: the subprotocols, the
 * connection_init / connection_ack handshake with connectionTimeoutMs, `ka`, subscribe with its own
 * authorization and subscribe_success / subscribe_error, `data` carrying the event as a JSON string,
 * unsubscribe / unsubscribe_success, and errors.
 */
import WebSocket from 'ws';
import { beforeAll, describe, expect, it } from 'vitest';
import { channelOf } from '../../functions/realtime/channels.js';
import { appOnServer, call, canMintTokens, connectionsPath, freshEnvironment, project, token } from '../support/api.ts';
import { discover, headerProtocol, openSocket, subscribed, type Endpoint } from '../support/watch-socket.ts';

let endpoint: Endpoint;
beforeAll(async () => {
  endpoint = await discover();
});

describe.runIf(canMintTokens)('the real-time endpoint (AppSync Events protocol)', () => {
  it('is named by GET /realtime, with its subprotocol and channel prefix', () => {
    expect(endpoint).toEqual({
      url: expect.stringMatching(/^ws:\/\/localhost:\d+\/event\/realtime$/),
      host: expect.stringMatching(/^localhost:\d+$/),
      protocol: 'aws-appsync-event-ws',
      channelPrefix: '/connections',
    });
  });

  it('accepts aws-appsync-event-ws with a header- subprotocol, acknowledges connection_init, then sends ka', async () => {
    const socket = await openSocket(endpoint, token());
    expect(socket.ws.protocol).toBe('aws-appsync-event-ws');
    socket.send({ type: 'connection_init' });
    expect(await socket.next()).toEqual({ type: 'connection_ack', connectionTimeoutMs: 300000 });
    expect(await socket.next('ka', 5000)).toEqual({ type: 'ka' });
    await socket.close();
  });

  it('refuses a handshake without the aws-appsync-event-ws subprotocol', async () => {
    const ws = new WebSocket(endpoint.url, [headerProtocol({ host: endpoint.host, Authorization: token() })]);
    const status = await new Promise<number>((resolve) =>
      ws.once('unexpected-response', (_, res) => resolve(res.statusCode!)),
    );
    expect(status).toBe(400);
  });

  it.each([
    ['a token that does not verify', 'not-a-token'],
    ['an expired token', () => token({ ttlSeconds: -60 })],
  ])('answers connection_init with connection_error for %s, and closes', async (_, bearer) => {
    const socket = await openSocket(endpoint, typeof bearer === 'function' ? bearer() : bearer);
    socket.send({ type: 'connection_init' });
    expect(await socket.next()).toEqual({
      type: 'connection_error',
      errors: [{ errorType: 'UnauthorizedException', message: expect.any(String) }],
    });
    await new Promise((resolve) =>
      socket.ws.readyState === WebSocket.CLOSED ? resolve(undefined) : socket.ws.once('close', resolve),
    );
  });

  it('subscribes with the subscribe message’s own authorization, once per id', async () => {
    const env = freshEnvironment();
    const socket = await subscribed(endpoint, token(), channelOf(project, env), 'first');
    const authorization = { host: endpoint.host, Authorization: token() };
    socket.send({ type: 'subscribe', id: 'first', channel: channelOf(project, env), authorization });
    expect(await socket.next()).toMatchObject({
      type: 'subscribe_error',
      id: 'first',
      errors: [{ errorType: 'DuplicatedOperationError' }],
    });
    socket.send({ type: 'subscribe', id: 'no-auth', channel: channelOf(project, env) });
    expect(await socket.next()).toMatchObject({
      type: 'subscribe_error',
      id: 'no-auth',
      errors: [{ errorType: 'UnauthorizedException' }],
    });
    await socket.close();
  });

  it.each([
    ['another project', () => token({ projects: ['elsewhere/*'] }), (env: string) => channelOf(project, env)],
    ['another environment', () => token({ projects: [`${project}/other`] }), (env: string) => channelOf(project, env)],
    [
      'a wildcard wider than the grant',
      (env: string) => token({ projects: [`${project}/${env}`] }),
      () => `/connections/${project}/*`,
    ],
    ['no read scope', () => token({ scopes: ['connections:write'] }), (env: string) => channelOf(project, env)],
    ['a service subject', () => token({ subject: 'system:deadline' }), (env: string) => channelOf(project, env)],
    ['a path that is no channel', () => token(), () => `/connections/${project}`],
  ])('answers subscribe_error, and never an event, for %s', async (_, bearer, channelFor) => {
    const env = freshEnvironment();
    const subscriber = bearer(env);
    const socket = await openSocket(endpoint, token());
    socket.send({ type: 'connection_init' });
    await socket.next('connection_ack');
    socket.send({
      type: 'subscribe',
      id: 'x',
      channel: channelFor(env),
      authorization: { host: endpoint.host, Authorization: subscriber },
    });
    expect(await socket.next()).toMatchObject({
      type: 'subscribe_error',
      id: 'x',
      errors: [{ errorType: 'UnauthorizedException' }],
    });
    expect((await call('POST', connectionsPath(env), { json: appOnServer() })).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(socket.received.filter((m) => m.type === 'data')).toEqual([]);
    await socket.close();
  });

  it('delivers each event as data: the subscription id and the event envelope as a JSON string', async () => {
    const env = freshEnvironment();
    const socket = await subscribed(endpoint, token(), channelOf(project, env), 'mine');
    const created = await call('POST', connectionsPath(env), { json: appOnServer() });
    const data = await socket.next('data');
    expect(data).toEqual({ type: 'data', id: 'mine', event: expect.any(String) });
    expect(JSON.parse(data.event!)).toEqual({
      id: `${created.body.id}:1`,
      source: 'resource-connections',
      'detail-type': 'Connection Created',
      time: created.body.createdAt,
      detail: expect.objectContaining({ connection: created.body, version: 1, actor: 'local-user' }),
    });
    await socket.close();
  });

  it('stops delivering after unsubscribe_success, and says when there is nothing to unsubscribe', async () => {
    const env = freshEnvironment();
    const socket = await subscribed(endpoint, token(), channelOf(project, env), 'gone');
    socket.send({ type: 'unsubscribe', id: 'gone' });
    expect(await socket.next()).toEqual({ type: 'unsubscribe_success', id: 'gone' });
    socket.send({ type: 'unsubscribe', id: 'gone' });
    expect(await socket.next()).toMatchObject({ type: 'unsubscribe_error', id: 'gone' });
    await call('POST', connectionsPath(env), { json: appOnServer() });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(socket.received.filter((m) => m.type === 'data')).toEqual([]);
    await socket.close();
  });

  it('refuses publishing (only the service publishes), unknown messages, and subscribing before connection_init', async () => {
    const socket = await openSocket(endpoint, token());
    socket.send({
      type: 'subscribe',
      id: 'early',
      channel: channelOf(project, 'dev'),
      authorization: { Authorization: token() },
    });
    expect(await socket.next()).toMatchObject({ type: 'subscribe_error', id: 'early' });
    socket.send({ type: 'connection_init' });
    await socket.next('connection_ack');
    socket.send({
      type: 'publish',
      id: 'p',
      channel: channelOf(project, 'dev'),
      events: ['{}'],
      authorization: { Authorization: token() },
    });
    expect(await socket.next()).toMatchObject({
      type: 'publish_error',
      id: 'p',
      errors: [{ errorType: 'UnauthorizedException' }],
    });
    socket.send({ type: 'start', id: 'graphql' });
    expect(await socket.next()).toMatchObject({ type: 'error', errors: [{ errorType: 'UnsupportedOperation' }] });
    socket.ws.send('not json');
    expect(await socket.next()).toMatchObject({ type: 'error', errors: [{ errorType: 'BadRequestException' }] });
    await socket.close();
  });
});
