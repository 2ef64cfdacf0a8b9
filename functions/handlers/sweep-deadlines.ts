/**
 * The deadline sweep, run every minute by an EventBridge rule in AWS and every few seconds by the
 * local server: moves each connection whose pending or connecting deadline has passed to failed, as
 * `system:deadline` (store/patterns/deadlines.ts), within a bounded run, and publishes what it did
 * and what it left. A run that meets an error still reports, then fails (alarmed); the next run
 * starts again from the soonest deadline still due.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { flushMetrics, logger, metrics } from '#http/observability.ts';
import { config, table } from '#store/connections.ts';
import { sweepDeadlines, type SweepResult } from '#store/patterns/deadlines.ts';
import { DEADLINE_SWEEP } from '../routes.ts';
import { stopAt } from '../time-left.ts';

/** Work per run: no new work after this, well inside the function's timeout. */
export const SWEEP_TIME_BUDGET_MS = 20_000;

export type SweepSummary = Omit<SweepResult, 'firstError'>;

export async function handler(_event: unknown, context: Context): Promise<SweepSummary> {
  // Its own function's context on every log line (locally, the logger is shared with the routes').
  logger.addContext(context);
  const { firstError, ...summary } = await sweepDeadlines(table, {
    stopAt: stopAt(context, SWEEP_TIME_BUDGET_MS),
    limit: config.sweepBatchLimit,
  });

  const { enforced, backlog, lateness } = DEADLINE_SWEEP.metrics;
  const m = metrics();
  m.addMetric(enforced, MetricUnit.Count, summary.failed);
  m.addMetric(backlog, MetricUnit.Count, summary.backlog);
  if (summary.failed > 0) m.addMetric(lateness, MetricUnit.Seconds, summary.maxLatenessSeconds);
  flushMetrics();

  // Quiet when there was nothing to do: the local server runs this every few seconds.
  if (summary.failed + summary.skipped + summary.backlog + summary.errors > 0)
    logger.info('deadline sweep', { ...summary });
  if (firstError !== undefined) {
    logger.error('deadline sweep failed; the next run starts again from the soonest due deadline', firstError as Error);
    throw firstError;
  }
  return summary;
}
