/**
 * `client.watch()`: an environment's changes as an async iterator, pushed over the real-time
 * endpoint the service names (GET /realtime), with a catch-up read after every (re)subscription.
 * Delivery on the channel is at most once, so what a disconnection lost the read finds; each item
 * is deduplicated on (connection id, version): a caller that reads, then watches, misses nothing
 * and sees nothing twice (pass what it read as `known`).
 */
import type { ResourceConnections, Connection, ListOptions, Status } from './client.ts';
import {
  channelOf,
  discoverRealtime,
  subscribeChannel,
  type RealtimeRefusedError,
  type WatchStatus,
  type WebSocketConstructor,
} from './realtime.ts';

export type ChangeType =
  | 'Connection Created'
  | 'Connection Updated'
  | 'Connection Status Changed'
  | 'Connection Deleted'
  | 'Connection Restored'
  | 'Connection Purged';

/** An event as published (docs/api.md, Events). */
export interface ChangeEvent {
  readonly id: string;
  readonly source: string;
  readonly 'detail-type': ChangeType | string;
  readonly time: string;
  readonly detail: {
    readonly connection: Connection;
    readonly version: number;
    readonly actor: string;
    readonly occurredAt: string;
    readonly changes?: Record<string, { from: unknown; to: unknown }>;
    readonly previousStatus?: Status;
  };
}

export interface ConnectionChange {
  /** The event's detail-type; `Current` for a state the catch-up read found newer than anything seen. */
  readonly type: ChangeType | 'Current' | string;
  readonly connection: Connection;
  readonly version: number;
  /** The event, when the change was pushed. */
  readonly event?: ChangeEvent;
}

/**
 * The list's filters; a connection already yielded is followed out of `status` and into deletion
 * whatever they say.
 */
export interface WatchOptions extends Pick<
  ListOptions,
  'sourceResourceType' | 'sourceResourceId' | 'targetResourceType' | 'targetResourceId' | 'status' | 'includeDeleted'
> {
  /**
   * What the catch-up after each (re)subscription reads. @default every connection of the
   * environment with the source and target filters (deleted ones too)
   */
  readonly read?: () => AsyncIterable<Connection>;
  /** Connections the caller has read already, at these versions: not yielded again. */
  readonly known?: Iterable<Pick<Connection, 'id' | 'version'>>;
  /** @default globalThis.WebSocket (Node 20 has none: pass the `ws` package's) */
  readonly WebSocket?: WebSocketConstructor;
  readonly onStatus?: (status: WatchStatus) => void;
  readonly backoff?: { readonly baseMs?: number; readonly maxMs?: number };
  readonly signal?: AbortSignal;
}

type Filters = Omit<WatchOptions, 'read' | 'known' | 'WebSocket' | 'onStatus' | 'backoff' | 'signal'>;

function matches(c: Connection, f: Filters): boolean {
  return (
    (f.sourceResourceType === undefined || c.sourceResourceType === f.sourceResourceType) &&
    (f.sourceResourceId === undefined || c.sourceResourceId === f.sourceResourceId) &&
    (f.targetResourceType === undefined || c.targetResourceType === f.targetResourceType) &&
    (f.targetResourceId === undefined || c.targetResourceId === f.targetResourceId) &&
    (f.status === undefined || c.status === f.status) &&
    (f.includeDeleted === true || c.deletedAt === undefined)
  );
}

export function watchChanges(
  client: ResourceConnections,
  options: WatchOptions = {},
): AsyncIterableIterator<ConnectionChange> {
  const { read, known, WebSocket, onStatus, backoff, signal, ...filters } = options;
  const seen = new Map<string, number>();
  for (const c of known ?? []) seen.set(c.id, c.version);
  const queue: (ConnectionChange | Error)[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  const push = (item: ConnectionChange | Error) => {
    queue.push(item);
    wake?.();
  };

  let subscription: ReturnType<typeof subscribeChannel> | undefined;
  const stop = () => {
    finished = true;
    subscription?.close();
    wake?.();
  };
  signal?.addEventListener('abort', stop, { once: true });

  // The source and target filters are the read's; status and deletion are applied here, so a
  // connection already shown is followed out of the status or into deletion.
  const readFilters: ListOptions = {
    sourceResourceType: filters.sourceResourceType,
    sourceResourceId: filters.sourceResourceId,
    targetResourceType: filters.targetResourceType,
    targetResourceId: filters.targetResourceId,
    includeDeleted: true,
    signal,
  };
  const catchUp = async () => {
    try {
      for await (const connection of read ? read() : client.connections.list(readFilters)) {
        push({ type: 'Current', connection, version: connection.version });
      }
    } catch (error) {
      if (finished) return;
      const status = (error as { status?: number }).status;
      // A refused read will be refused again; anything else: connect again, and read again then.
      if (status === 401 || status === 403 || status === 404) push(error as Error);
      else subscription?.reconnect();
    }
  };

  const start = (async () => {
    const { baseUrl, project, environment, token, fetch: fetchImpl } = client.options;
    const endpoint = await discoverRealtime(baseUrl, fetchImpl);
    if (finished) return;
    subscription = subscribeChannel({
      endpoint,
      channel: channelOf(project, environment),
      token: async () => (typeof token === 'function' ? token() : (token ?? '')),
      WebSocket,
      backoff,
      onStatus,
      onEvent: (envelope) => {
        const event = envelope as ChangeEvent;
        if (event?.detail?.connection) {
          push({
            type: event['detail-type'],
            connection: event.detail.connection,
            version: event.detail.version,
            event,
          });
        }
      },
      onSubscribed: () => void catchUp(),
      onRefused: (error: RealtimeRefusedError) => push(error),
    });
  })().catch((error: unknown) => push(error instanceof Error ? error : new Error(String(error))));

  const iterator: AsyncIterableIterator<ConnectionChange> = {
    async next() {
      await start;
      for (;;) {
        if (finished) return { done: true, value: undefined };
        const item = queue.shift();
        if (item === undefined) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        if (item instanceof Error) {
          stop();
          throw item;
        }
        const last = seen.get(item.connection.id);
        if (last !== undefined && item.version <= last) continue;
        if (last === undefined && !matches(item.connection, filters)) continue;
        seen.set(item.connection.id, item.version);
        return { done: false, value: item };
      }
    },
    async return() {
      stop();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
