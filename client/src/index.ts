/** The typed client of the Resource Connections API. */
export * from './client.ts';
export * from './errors.ts';
export type { Page, Paged } from './paging.ts';
export { retryAfterMs, type RetryOptions } from './retry.ts';
export type { components, operations, paths } from './openapi.ts';
