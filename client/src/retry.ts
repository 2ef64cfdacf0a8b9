/**
 * Retries as openapi-fetch middleware (it has none of its own). A request is copied before it is
 * first sent; each retry sends a fresh copy, because a body that was sent once cannot be sent again.
 * Retried: 503 and 429 (honouring Retry-After), and network errors or attempt timeouts when the call
 * is safe to repeat (GET, or a request that carries an Idempotency-Key). Bounded in attempts and in
 * total time; the caller's AbortSignal stops the waiting too.
 */
import type { Middleware } from 'openapi-fetch';

export interface RetryOptions {
  /** Attempts in all, the first included. @default 5 */
  readonly attempts?: number;
  /** No retry starts after this many ms since the first attempt. @default 30000 */
  readonly totalMs?: number;
  /** Back-off base: attempt n waits a random time up to base × 2^(n-1), capped by maxDelayMs. @default 200 */
  readonly baseDelayMs?: number;
  /** @default 5000 */
  readonly maxDelayMs?: number;
  /** Each attempt is aborted after this many ms. @default 10000 */
  readonly timeoutMs?: number;
  /** Called before each retry (for logs and tests). */
  readonly onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

interface InFlight {
  readonly pristine: Request;
  readonly signal: AbortSignal;
  readonly startedAt: number;
  attempt: number;
}

const RETRY_STATUSES = new Set([429, 503]);

/** Retry-After in ms (delta-seconds or an HTTP date), or undefined. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const isRepeatable = (request: Request) => request.method === 'GET' || request.headers.has('idempotency-key');
/** A failure of the network or an attempt's timeout (fetch's TypeError has a cause then; a bad URL has none). */
const isTransient = (error: unknown) =>
  (error as Error)?.name === 'TimeoutError' || (error instanceof TypeError && error.cause !== undefined);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function retryMiddleware(options: RetryOptions = {}): Middleware {
  const attempts = Math.max(1, options.attempts ?? 5);
  const totalMs = options.totalMs ?? 30_000;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const inFlight = new Map<string, InFlight>();
  const final = new WeakSet<Response>();

  /** A copy of the original request for one attempt, with that attempt's timeout. */
  const attemptOf = (state: InFlight) =>
    new Request(state.pristine.clone(), { signal: AbortSignal.any([state.signal, AbortSignal.timeout(timeoutMs)]) });

  async function settle(
    id: string,
    fetchImpl: (request: Request) => Promise<Response>,
    outcome: { response: Response } | { error: unknown },
  ): Promise<Response | Error> {
    const state = inFlight.get(id);
    if (!state) return 'response' in outcome ? outcome.response : (outcome.error as Error);
    try {
      for (;;) {
        const response = 'response' in outcome ? outcome.response : undefined;
        const retryable = response
          ? RETRY_STATUSES.has(response.status)
          : !state.signal.aborted && isRepeatable(state.pristine) && isTransient((outcome as { error: unknown }).error);
        const elapsed = Date.now() - state.startedAt;
        if (!retryable || state.attempt >= attempts || elapsed >= totalMs) break;
        const backoff = Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (state.attempt - 1));
        const hinted = response ? retryAfterMs(response.headers) : undefined;
        const delayMs = Math.max(backoff, hinted ?? 0);
        if (elapsed + delayMs >= totalMs) break; // the answer we have beats one that comes too late
        await response?.body?.cancel();
        const reason = response ? `HTTP ${response.status}` : String((outcome as { error: unknown }).error);
        options.onRetry?.({ attempt: state.attempt + 1, delayMs, reason });
        await sleep(delayMs, state.signal);
        state.attempt += 1;
        try {
          outcome = { response: await fetchImpl(attemptOf(state)) };
        } catch (error) {
          outcome = { error };
        }
      }
    } catch (error) {
      outcome = { error }; // the caller aborted while we waited
    } finally {
      inFlight.delete(id);
    }
    if ('error' in outcome) return outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error));
    final.add(outcome.response);
    return outcome.response;
  }

  return {
    onRequest({ request, id }) {
      inFlight.set(id, { pristine: request.clone(), signal: request.signal, startedAt: Date.now(), attempt: 1 });
      return attemptOf(inFlight.get(id)!);
    },
    async onResponse({ response, id, options: clientOptions }) {
      if (final.has(response)) return undefined;
      const settled = await settle(id, clientOptions.fetch, { response });
      if (settled instanceof Error) throw settled;
      return settled;
    },
    async onError({ error, id, options: clientOptions }) {
      return settle(id, clientOptions.fetch, { error });
    },
  };
}
