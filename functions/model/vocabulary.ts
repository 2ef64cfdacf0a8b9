/**
 * The words every layer shares: resource types, statuses, the scope every route lives under and a
 * resource reference. Plain values and types only, so any layer may import them.
 */

export const RESOURCE_TYPES = [
  'instance',
  'application',
  'database',
  'terminal',
  'firewall',
  'storage_bucket',
  'bucket_explorer',
  'static_website',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export const STATUSES = ['pending', 'connecting', 'connected', 'failed', 'disconnected'] as const;
export type Status = (typeof STATUSES)[number];

/** One project's environment: every data route lives under `/api/{projectSlug}/{environmentSlug}`. */
export interface Scope {
  readonly projectSlug: string;
  readonly environmentSlug: string;
}

/** A resource is a type and an id; the service keeps no registry of resources. */
export interface ResourceRef {
  readonly type: ResourceType;
  readonly id: string;
}
