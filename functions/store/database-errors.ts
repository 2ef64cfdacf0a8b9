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

/** True when the database could not be reached or is throttling: the caller should retry later. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if (UNAVAILABLE_NAMES.has(e.name) || isTransactionThrottled(error)) return true;
  if (e.code !== undefined && UNAVAILABLE_CODES.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && status >= 500;
}
