/**
 * The one function that runs on a schedule rather than for a route, stated as plain data like one:
 * lib/deadline-sweep.ts makes its function, schedule and alarms from it, and the local server runs its
 * handler on a timer.
 */
import { CHANGE } from './access.ts';
import type { ScheduledFunction } from './shape.ts';

/** The deadline sweep (docs/api.md, Deadlines): at most 2 minutes after a deadline, the connection has failed. */
export const DEADLINE_SWEEP = {
  id: 'sweepDeadlines',
  handler: 'sweep-deadlines',
  summary: 'Moves each connection whose pending or connecting deadline has passed to failed',
  everyMinutes: 1,
  timeoutSeconds: 29,
  // Queries the deadline index; reads each due connection (a Query of its partition), then one
  // transaction of Puts (the failed version and its history entry). It never deletes and never
  // touches a pair guard.
  data: { items: CHANGE, queries: ['byDeadline', 'table'], pageTokens: false },
  // One run at a time: two would race for the same due connections, each losing half its writes.
  concurrency: 1,
  /** The metrics each run publishes, in the service's namespace with its `service` dimension. */
  metrics: {
    /** Connections moved to failed. */
    enforced: 'DeadlinesEnforced',
    /** Due connections a run left for the next one: the backlog alarm watches it. */
    backlog: 'DeadlineBacklog',
    /** How long past its deadline the latest-enforced connection of a run was. */
    lateness: 'DeadlineLatenessSeconds',
  },
} as const satisfies ScheduledFunction & { metrics: Record<string, string> };
