/**
 * How a function that works to a time budget stays inside its own timeout: it starts no new work
 * once the time left is what finishing the work in flight and answering may take.
 */
import type { Context } from 'aws-lambda';

/** What a function keeps of its timeout to finish the work in flight and answer. */
export const FINISH_MS = 5_000;

/** The moment (epoch ms) after which the function starts no new work: `budgetMs` from now at most. */
export const stopAt = (context: Pick<Context, 'getRemainingTimeInMillis'>, budgetMs: number): number =>
  Date.now() + Math.min(budgetMs, context.getRemainingTimeInMillis() - FINISH_MS);
