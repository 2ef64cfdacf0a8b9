/** A raw client of the real-time endpoint for the API suite: the protocol's messages, one by one. */
import WebSocket from 'ws';
import { baseUrl } from './api.ts';

export interface Endpoint {
  url: string;
  host: string;
  protocol: string;
  channelPrefix: string;
}

export const discover = async (): Promise<Endpoint> => (await (await fetch(`${baseUrl}/realtime`)).json()) as Endpoint;

export const headerProtocol = (authorization: unknown) =>
  `header-${Buffer.from(JSON.stringify(authorization)).toString('base64url')}`;

export type Message = {
  type: string;
  id?: string;
  event?: string;
  errors?: { errorType: string; message: string }[];
} & Record<string, unknown>;

export interface Socket {
  readonly ws: WebSocket;
  readonly received: Message[];
  /** The next message (after those already taken) of this type, or of any type. */
  next(type?: string, timeoutMs?: number): Promise<Message>;
  send(message: unknown): void;
  close(): Promise<void>;
}

export async function openSocket(endpoint: Endpoint, token: string, protocols?: string[]): Promise<Socket> {
  const ws = new WebSocket(
    endpoint.url,
    protocols ?? [endpoint.protocol, headerProtocol({ host: endpoint.host, Authorization: token })],
  );
  const received: Message[] = [];
  let taken = 0;
  let wake: (() => void) | undefined;
  ws.on('message', (data) => {
    received.push(JSON.parse(String(data)) as Message);
    wake?.();
  });
  ws.on('close', () => wake?.());
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    received,
    async next(type, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        while (taken < received.length) {
          const message = received[taken++]!;
          if (type === undefined || message.type === type) return message;
        }
        if (Date.now() > until || ws.readyState === WebSocket.CLOSED) {
          throw new Error(`no ${type ?? 'message'} within ${timeoutMs} ms; received ${JSON.stringify(received)}`);
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 100);
        });
      }
    },
    send: (message) => ws.send(JSON.stringify(message)),
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
}

/** A socket past connection_ack, subscribed to `channel` as `id`. */
export async function subscribed(endpoint: Endpoint, token: string, channel: string, id = 'sub-1'): Promise<Socket> {
  const socket = await openSocket(endpoint, token);
  socket.send({ type: 'connection_init' });
  await socket.next('connection_ack');
  socket.send({ type: 'subscribe', id, channel, authorization: { host: endpoint.host, Authorization: token } });
  const answer = await socket.next();
  if (answer.type !== 'subscribe_success') throw new Error(`subscribe refused: ${JSON.stringify(answer)}`);
  return socket;
}
