/**
 * One channel of the service's real-time endpoint, kept subscribed: AppSync Events' WebSocket
 * protocol (docs/api.md, Watching changes), with a jittered back-off between attempts, a
 * keep-alive deadline from connection_ack's connectionTimeoutMs, and `onSubscribed` after every
 * (re)subscription, where a caller reads to catch up on what it may have missed meanwhile.
 *
 * Browser-safe: it uses only the platform's WebSocket, fetch, TextEncoder, btoa and crypto, so a
 * page can bundle it; pass `WebSocket` where the platform has none (Node 20: the `ws` package).
 */
export { channelOf } from '../../functions/realtime/channels.js';

/** What GET /realtime answers. */
export interface RealtimeEndpoint {
  readonly url: string;
  readonly host: string;
  readonly protocol: string;
  readonly channelPrefix: string;
}

/** The real-time endpoint, from the service itself (GET /realtime, public). */
export async function discoverRealtime(baseUrl: string, fetchImpl: typeof fetch = fetch): Promise<RealtimeEndpoint> {
  const response = await fetchImpl(`${baseUrl.replace(/\/$/, '')}/realtime`);
  if (!response.ok)
    throw new Error(`the service names no real-time endpoint (GET /realtime answered ${response.status})`);
  return (await response.json()) as RealtimeEndpoint;
}

/** The part of the WebSocket interface this module uses: the browser's, or the `ws` package's. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string, protocols: string[]) => WebSocketLike;

export type WatchStatus = 'connecting' | 'live' | 'paused';

/** A refusal no retry can change (a token refused, a channel not granted): the subscription ends. */
export class RealtimeRefusedError extends Error {
  override readonly name = 'RealtimeRefusedError';
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(`${errorType}: ${message}`);
  }
}

export interface ChannelSubscriptionOptions {
  readonly endpoint: RealtimeEndpoint;
  readonly channel: string;
  /** The bearer token, asked for before every connection (so it may be refreshed). */
  readonly token: () => string | Promise<string>;
  /** @default globalThis.WebSocket */
  readonly WebSocket?: WebSocketConstructor;
  /** Each event's envelope (docs/api.md, Events), as published. */
  readonly onEvent: (envelope: unknown) => void;
  /** After every successful (re)subscription: read here what may have changed while not subscribed. */
  readonly onSubscribed?: () => void;
  readonly onStatus?: (status: WatchStatus) => void;
  /** The subscription was refused for good; it stops. */
  readonly onRefused?: (error: RealtimeRefusedError) => void;
  /** Back-off between attempts: a random wait up to base × 2^(attempt-1), at most max. @default 500, 30 000 */
  readonly backoff?: { readonly baseMs?: number; readonly maxMs?: number };
  /** How long connection_ack and subscribe_success may take. @default 10 000 */
  readonly handshakeTimeoutMs?: number;
}

export interface ChannelSubscription {
  /** Drops the connection and starts again (after a failed catch-up read, say). */
  reconnect(): void;
  close(): void;
}

const OPEN = 1;
/** Errors a retry cannot mend. */
const FINAL_ERRORS = new Set(['UnauthorizedException', 'BadRequestException']);

function base64UrlJson(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function subscribeChannel(options: ChannelSubscriptionOptions): ChannelSubscription {
  const found = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!found) throw new Error('no WebSocket on this platform: pass one (the ws package)');
  const Socket: WebSocketConstructor = found;
  const baseMs = options.backoff?.baseMs ?? 500;
  const maxMs = options.backoff?.maxMs ?? 30_000;
  let closed = false;
  let attempt = 0;
  let socket: WebSocketLike | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const status = (value: WatchStatus) => options.onStatus?.(value);
  /** Closes the socket when nothing (a `ka`, an ack, an event) arrives within `ms`. */
  const expectWithin = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => socket?.close(), ms);
  };
  const scheduleRetry = () => {
    if (closed) return;
    attempt += 1;
    const delay = Math.random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1));
    retry = setTimeout(() => void connect(), delay);
  };
  const refuse = (errorType: string, message: string) => {
    closed = true;
    clearTimeout(timer);
    socket?.close();
    options.onRefused?.(new RealtimeRefusedError(errorType, message));
  };

  async function connect(): Promise<void> {
    if (closed) return;
    status('connecting');
    let token: string;
    try {
      token = await options.token();
    } catch {
      return scheduleRetry();
    }
    if (closed) return;
    const authorization = { host: options.endpoint.host, Authorization: token };
    const id = globalThis.crypto.randomUUID();
    const ws = new Socket(options.endpoint.url, [options.endpoint.protocol, `header-${base64UrlJson(authorization)}`]);
    socket = ws;
    let keepAliveMs = 300_000;
    const handshakeMs = options.handshakeTimeoutMs ?? 10_000;
    expectWithin(handshakeMs);
    ws.onopen = () => ws.send(JSON.stringify({ type: 'connection_init' }));
    ws.onerror = () => undefined; // onclose follows, and retries
    ws.onclose = () => {
      if (socket !== ws) return;
      clearTimeout(timer);
      socket = undefined;
      if (closed) return;
      status('paused');
      scheduleRetry();
    };
    ws.onmessage = ({ data }) => {
      let message: {
        type?: string;
        id?: string;
        event?: string;
        connectionTimeoutMs?: number;
        errors?: { errorType?: string; message?: string }[];
      };
      try {
        message = JSON.parse(String(data)) as typeof message;
      } catch {
        return;
      }
      const error = message.errors?.[0];
      switch (message.type) {
        case 'connection_ack':
          keepAliveMs = message.connectionTimeoutMs ?? keepAliveMs;
          expectWithin(handshakeMs);
          return ws.send(JSON.stringify({ type: 'subscribe', id, channel: options.channel, authorization }));
        case 'subscribe_success':
          if (message.id !== id) return;
          attempt = 0;
          expectWithin(keepAliveMs);
          status('live');
          return options.onSubscribed?.();
        case 'ka':
          return expectWithin(keepAliveMs);
        case 'data':
          if (message.id !== id || message.event === undefined) return;
          expectWithin(keepAliveMs);
          try {
            options.onEvent(JSON.parse(message.event));
          } catch {
            // Not JSON: nothing a watcher could use.
          }
          return;
        case 'connection_error':
        case 'subscribe_error':
          if (FINAL_ERRORS.has(error?.errorType ?? '')) return refuse(error!.errorType!, error?.message ?? '');
          return ws.close();
        default:
          return;
      }
    };
  }

  void connect();
  return {
    reconnect: () => socket?.close(),
    close: () => {
      closed = true;
      clearTimeout(timer);
      clearTimeout(retry);
      if (socket?.readyState === OPEN) socket.close(1000);
      socket = undefined;
    },
  };
}
