/** The typed client of the Resource Connections API. */
export * from './client.ts';
export * from './errors.ts';
export type { Page, Paged } from './paging.ts';
export { retryAfterMs, type RetryOptions } from './retry.ts';
export type { components, operations, paths } from './openapi.ts';
export type { ChangeEvent, ChangeType, ConnectionChange, WatchOptions } from './watch.ts';
export {
  channelOf,
  discoverRealtime,
  RealtimeRefusedError,
  subscribeChannel,
  type ChannelSubscription,
  type ChannelSubscriptionOptions,
  type RealtimeEndpoint,
  type WatchStatus,
  type WebSocketConstructor,
} from './realtime.ts';
