/**
 * The line between the database's failures (503: retry later) and everything else (a bug). Kept
 * apart from the DynamoDB client (client.ts) so that functions which never call DynamoDB do not bundle it.
 */
const UNAVAILABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
/** Cancellation reasons that mean back-pressure (most often a GSI's), not a refused condition. */
const THROTTLED_REASONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded']);

/**
 * A transaction DynamoDB cancelled because it throttled: a 400 the SDK does not retry, yet the
 * database's failure, not the caller's or ours.
 */
export function isTransactionThrottled(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as Error & { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((reason) => reason.Code !== undefined && THROTTLED_REASONS.has(reason.Code));
}

const THROTTLING_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

/** DynamoDB throttled the call, in any of its forms (a transaction cancelled for it included). */
export const isThrottled = (error: unknown): boolean =>
  error instanceof Error && (THROTTLING_NAMES.has(error.name) || isTransactionThrottled(error));

/** Set on the errors of calls whose throttling the store retries itself: the SDK leaves those alone. */
export const STORE_RETRIES = '$storeRetries';

type Handler = (args: unknown) => Promise<unknown>;
/** Any SDK command: what it takes to put one middleware on it. */
interface WithMiddleware {
  readonly middlewareStack: { add(...args: never[]): void };
}

/**
 * Marks a command whose throttling the store retries within a write's budget (transactions.ts),
 * so that the SDK's retries (client.ts) do not multiply it. Unnamed: a document client command
 * resolves its middleware twice, and marking twice is harmless.
 */
export function retriedByStore<C extends WithMiddleware>(command: C): C {
  const stack = command.middlewareStack as unknown as {
    add(middleware: (next: Handler) => Handler, options: object): void;
  };
  stack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (error instanceof Error) Object.assign(error, { [STORE_RETRIES]: true });
        throw error;
      }
    },
    { step: 'deserialize', priority: 'high' },
  );
  return command;
}

/** How many times the SDK sent the call that answered (or failed) this: its own retries included. */
export const attemptsOf = (answer: unknown): number =>
  (answer as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts ?? 1;

/** True when the database could not be reached or is throttling: the caller should retry later. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if (UNAVAILABLE_NAMES.has(e.name) || isTransactionThrottled(error)) return true;
  if (e.code !== undefined && UNAVAILABLE_CODES.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && status >= 500;
}
