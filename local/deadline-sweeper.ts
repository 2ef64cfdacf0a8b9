/**
 * Under `npm start`, the deadline sweep's own handler on a timer, as the EventBridge rule runs it
 * every minute in AWS: every LOCAL_SWEEP_INTERVAL_MS (2 s by default), so a deadline is enforced
 * within a few seconds locally (the contract promises 10). Runs never overlap: the next waits for
 * the one before.
 */
import { DEADLINE_SWEEP } from '../functions/routes.ts';
import { lambdaContext } from './gateway.ts';

export const DEFAULT_SWEEP_INTERVAL_MS = 2000;

export interface Sweeper {
  stop(): Promise<void>;
}

/** `LOCAL_SWEEP_INTERVAL_MS`, checked: a positive whole number of milliseconds. */
export function sweepInterval(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_SWEEP_INTERVAL_MS;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms <= 0)
    throw new Error(`LOCAL_SWEEP_INTERVAL_MS must be a positive whole number, got "${value}"`);
  return ms;
}

/** Starts sweeping; the functions' configuration must be set first (the handler reads it when loaded). */
export function startSweeper(intervalMs: number): Sweeper {
  let running = true;
  let wake: (() => void) | undefined;
  const pause = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, intervalMs);
      wake = () => (clearTimeout(timer), resolve());
    });
  const loop = (async () => {
    const { handler } = (await import(`../functions/handlers/${DEADLINE_SWEEP.handler}.ts`)) as {
      handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
    };
    while (running) {
      try {
        await handler({}, lambdaContext(DEADLINE_SWEEP.id, undefined, DEADLINE_SWEEP.timeoutSeconds * 1000));
      } catch (error) {
        // The handler logged it; the next run starts again from the soonest due deadline, as in AWS.
        if (running)
          console.error(JSON.stringify({ level: 'WARN', message: 'local deadline sweep', error: String(error) }));
      }
      if (running) await pause();
    }
  })();
  return {
    stop: async () => {
      running = false;
      wake?.();
      await loop;
    },
  };
}
