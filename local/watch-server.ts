/**
 * Watching changes under `npm start`: AppSync Events' real-time WebSocket protocol at
 * /event/realtime on the local server's port (subprotocol `aws-appsync-event-ws`, authorization
 * in a `header-<base64url JSON>` subprotocol and again in each subscribe, connection_init and
 * connection_ack, `ka` keep-alives, subscribe / subscribe_success / subscribe_error, data,
 * unsubscribe), fed by the local stream reader, and with the decisions of the subscribe handler
 * AppSync runs (functions/realtime/channels.js) over tokens verified as the local server verifies
 * them. Publishing over the socket is refused: in AWS only the service publishes (IAM).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { eventEnvelope } from '../functions/events/events.ts';
import type { ChannelPublisher } from '../functions/events/channels.ts';
import { channelOf, pathSegments, subscriptionRefusal } from '../functions/realtime/channels.js';
import { verifyJwt, type JwtClaims } from './jwt.ts';

export const REALTIME_PATH = '/event/realtime';
export const SUBPROTOCOL = 'aws-appsync-event-ws';

export interface WatchServerOptions {
  readonly jwtSecret: string;
  /** How often `ka` is sent. @default 60 000 */
  readonly keepAliveMs?: number;
  /** What connection_ack tells the client to wait for a `ka` at most. @default 300 000, as AppSync */
  readonly connectionTimeoutMs?: number;
}

export interface WatchServer extends ChannelPublisher {
  /** Connections open now. */
  readonly connections: number;
  close(): Promise<void>;
}

type ErrorList = { errorType: string; message: string }[];
const errors = (errorType: string, message: string): ErrorList => [{ errorType, message }];

/** The token of an authorization header object (`Authorization`, with or without `Bearer `): its claims, or why not. */
function claimsOf(authorization: unknown, jwtSecret: string): JwtClaims | string {
  const header = (authorization as { Authorization?: unknown; authorization?: unknown } | undefined) ?? {};
  const value = header.Authorization ?? header.authorization;
  if (typeof value !== 'string' || value.trim() === '') return 'no Authorization in the authorization header';
  try {
    return verifyJwt(value.trim().replace(/^Bearer\s+/i, ''), jwtSecret);
  } catch (error) {
    return (error as Error).message;
  }
}

/** The authorization object of the `header-<base64url JSON>` subprotocol, if the client sent one. */
function headerAuthorization(protocols: readonly string[]): unknown {
  const header = protocols.find((protocol) => protocol.startsWith('header-'));
  if (!header) return undefined;
  try {
    return JSON.parse(Buffer.from(header.slice('header-'.length), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Whether a published channel falls under a subscription's channel (which may end in `/*`). */
export function channelMatches(subscribed: string, published: string): boolean {
  const pattern = pathSegments(subscribed);
  if (pattern.at(-1) !== '*') return subscribed === published;
  const segments = pathSegments(published);
  const prefix = pattern.slice(0, -1);
  return segments.length > prefix.length && prefix.every((segment, i) => segments[i] === segment);
}

export function attachWatchServer(server: Server, options: WatchServerOptions): WatchServer {
  const keepAliveMs = options.keepAliveMs ?? 60_000;
  const connectionTimeoutMs = options.connectionTimeoutMs ?? 300_000;
  const sockets = new WebSocketServer({ noServer: true, handleProtocols: () => SUBPROTOCOL });
  /** Each open connection's subscriptions: id -> channel. */
  const subscriptions = new Map<WebSocket, Map<string, string>>();

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const protocols = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== REALTIME_PATH || !protocols.includes(SUBPROTOCOL)) {
      socket.end(
        `HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\nconnect to ${REALTIME_PATH} with the ${SUBPROTOCOL} subprotocol\n`,
      );
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => serve(ws, headerAuthorization(protocols)));
  };
  server.on('upgrade', onUpgrade);

  function serve(ws: WebSocket, authorization: unknown): void {
    const send = (message: object) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(message));
    let keepAlive: NodeJS.Timeout | undefined;
    ws.on('close', () => {
      clearInterval(keepAlive);
      subscriptions.delete(ws);
    });
    // A client that breaks the framing (or vanishes) ends its own connection, never the server.
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      let message: { type?: unknown; id?: unknown; channel?: unknown; authorization?: unknown };
      try {
        message = isBinary ? {} : (JSON.parse(String(data)) as typeof message);
      } catch {
        return send({ type: 'error', errors: errors('BadRequestException', 'the message is not JSON') });
      }
      if (message === null || typeof message !== 'object') message = {};
      const id = typeof message.id === 'string' && message.id !== '' ? message.id : undefined;
      const own = subscriptions.get(ws);
      switch (message.type) {
        case 'connection_init': {
          const claims = claimsOf(authorization, options.jwtSecret);
          if (typeof claims === 'string') {
            send({ type: 'connection_error', errors: errors('UnauthorizedException', claims) });
            return ws.close(4401, 'Unauthorized');
          }
          if (!own) subscriptions.set(ws, new Map());
          send({ type: 'connection_ack', connectionTimeoutMs });
          clearInterval(keepAlive);
          keepAlive = setInterval(() => send({ type: 'ka' }), keepAliveMs);
          return;
        }
        case 'subscribe': {
          if (!id) return send({ type: 'error', errors: errors('BadRequestException', 'a subscribe needs an id') });
          if (!own)
            return send({
              type: 'subscribe_error',
              id,
              errors: errors('BadRequestException', 'send connection_init first'),
            });
          if (own.has(id))
            return send({
              type: 'subscribe_error',
              id,
              errors: errors('DuplicatedOperationError', `subscription ${id} exists`),
            });
          const claims = claimsOf(message.authorization, options.jwtSecret);
          const channel = typeof message.channel === 'string' ? message.channel : '';
          const refusal =
            typeof claims === 'string'
              ? claims
              : subscriptionRefusal({ sub: claims.sub, claims }, pathSegments(channel));
          if (refusal !== null)
            return send({ type: 'subscribe_error', id, errors: errors('UnauthorizedException', refusal) });
          own.set(id, channel);
          return send({ type: 'subscribe_success', id });
        }
        case 'unsubscribe':
          if (!id || !own?.delete(id)) {
            return send({
              type: 'unsubscribe_error',
              id,
              errors: errors('UnknownOperationError', 'no such subscription'),
            });
          }
          return send({ type: 'unsubscribe_success', id });
        case 'publish':
          return send({
            type: 'publish_error',
            id,
            errors: errors('UnauthorizedException', 'only the service publishes'),
          });
        default:
          return send({
            type: 'error',
            id,
            errors: errors('UnsupportedOperation', `unknown message type ${String(message.type)}`),
          });
      }
    });
  }

  return {
    get connections() {
      return sockets.clients.size;
    },
    async publish(events) {
      for (const event of events) {
        const channel = channelOf(event.detail.connection.projectSlug, event.detail.connection.environmentSlug);
        const text = JSON.stringify(eventEnvelope(event));
        for (const [ws, own] of subscriptions) {
          for (const [id, subscribed] of own) {
            if (channelMatches(subscribed, channel) && ws.readyState === WebSocket.OPEN) {
              ws.send(JSON.stringify({ type: 'data', id, event: text }));
            }
          }
        }
      }
      return { published: events.length, failed: 0 };
    },
    async close() {
      server.off('upgrade', onUpgrade);
      for (const ws of sockets.clients) ws.terminate();
      await new Promise<void>((done) => sockets.close(() => done()));
    },
  };
}
