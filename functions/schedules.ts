/**
 * What the service runs on a schedule rather than for a route, as plain data like the route table
 * (routes.ts): the CDK stack makes the function, its schedule and its alarms from this entry
 * (lib/deadline-sweep.ts), the local server runs the same handler on a timer, and its data access
 * becomes its IAM policy (lib/data-access.ts), which the infra tests compare with this entry.
 */
import type { DataAccess } from './routes.ts';

export interface ScheduledFunction {
  /** Names the function. */
  readonly id: string;
  /** The handler module under functions/handlers/, exporting `handler`. */
  readonly handler: string;
  readonly summary: string;
  /** How often it runs. */
  readonly everyMinutes: number;
  /** Seconds one run may take; the handler stops taking new work well before. */
  readonly timeoutSeconds: number;
  /** What its function may do to the table, and nothing more. */
  readonly data: DataAccess;
}

/** The deadline sweep (contract §5, Deadlines): at most 2 minutes after a deadline, the connection has failed. */
export const DEADLINE_SWEEP = {
  id: 'sweepDeadlines',
  handler: 'sweep-deadlines',
  summary: 'Moves each connection whose pending or connecting deadline has passed to failed',
  everyMinutes: 1,
  timeoutSeconds: 29,
  // Queries the deadline index (no other); reads each due connection, then one transaction of Puts
  // (the failed version and its history entry). It never deletes and never touches a pair guard.
  data: { items: ['dynamodb:GetItem', 'dynamodb:PutItem'], queries: ['byDeadline'] },
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
