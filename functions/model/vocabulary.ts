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

/** The statuses that wait on someone and so have a deadline (docs/api.md, Deadlines); the others have none. */
export const DEADLINE_STATUSES = ['pending', 'connecting'] as const satisfies readonly Status[];
export type DeadlineStatus = (typeof DEADLINE_STATUSES)[number];
export const hasDeadline = (status: Status): status is DeadlineStatus =>
  (DEADLINE_STATUSES as readonly Status[]).includes(status);

/** `deadlineSeconds` and the defaults: from five seconds (a worker's shortest heartbeat) to one week. */
export const MIN_DEADLINE_SECONDS = 5;
export const MAX_DEADLINE_SECONDS = 604_800;

/** Seconds from entering a status to its deadline, per status: a setting of the service. */
export type DeadlineDefaults = Readonly<Record<DeadlineStatus, number>>;
/** docs/api.md's defaults: `pending` one hour, `connecting` fifteen minutes. */
export const DEFAULT_DEADLINE_SECONDS: DeadlineDefaults = { pending: 3600, connecting: 900 };

/**
 * Subjects that begin with this are the service's own (`system:deadline`, the deadline sweep): a
 * caller's token may not carry one (403), so nothing a caller writes is recorded as the service's.
 */
export const SERVICE_SUBJECT_PREFIX = 'system:';

/**
 * Days a soft-deleted connection stays restorable (`deleted`) and a history entry is kept after it
 * was written (`history`) before both are purged: a setting of the service; 0 keeps them forever.
 */
export interface RetentionDays {
  readonly deleted: number;
  readonly history: number;
}
/** docs/api.md's defaults: 90 days deleted, 400 days of history. */
export const DEFAULT_RETENTION_DAYS: RetentionDays = { deleted: 90, history: 400 };

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
