/**
 * A stand-in DynamoDB endpoint in front of DynamoDB Local: it passes every call through, except
 * that it answers TransactWriteItems as DynamoDB does when it throttles them, in any of its forms:
 * a transaction cancelled by a GSI's back-pressure (HTTP 400, TransactionCanceledException, one
 * cancellation reason per item, the first `ThrottlingError`), or the request refused outright
 * (ThrottlingException on an on-demand table, ProvisionedThroughputExceededException), or, as an
 * overloaded database does, fails it with a 500 InternalServerError (which the SDK retries). It throttles
 * every transaction while `throttling` is set, or only those beyond `maxInFlight` at once (a hot
 * partition's limit). The SDK parses each answer itself, so the code under test sees the very
 * error the cloud would throw. It counts what it was sent.
 */
import { createServer, type Server } from 'node:http';

export type ThrottleForm =
  'ThrottlingError' | 'ThrottlingException' | 'ProvisionedThroughputExceededException' | 'InternalServerError';

export interface ThrottlingEndpoint {
  readonly url: string;
  /** Throttle every TransactWriteItems while true. */
  throttling: boolean;
  /** Throttle the TransactWriteItems beyond this many in flight at once. @default Infinity */
  maxInFlight: number;
  form: ThrottleForm;
  /** TransactWriteItems calls answered with a throttle, since the last reset. */
  throttled: number;
  /** Calls received, by operation (TransactWriteItems, GetItem, Query, BatchGetItem...), since the last reset. */
  readonly calls: Record<string, number>;
  reset(): void;
  close(): Promise<void>;
}

const TRANSACT = 'TransactWriteItems';
// fetch has already decoded and measured the body it hands on.
const HOP_HEADERS = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'connection']);

function throttleAnswer(form: ThrottleForm, body: Buffer): { type: string; extra: object } {
  if (form !== 'ThrottlingError') {
    return { type: form, extra: { message: 'Throughput exceeds the current capacity of your table or index.' } };
  }
  const items = (JSON.parse(body.toString('utf8')) as { TransactItems: unknown[] }).TransactItems.length;
  const reasons = Array.from({ length: items }, (_, i) =>
    i === 0
      ? {
          Code: 'ThrottlingError',
          Message:
            'Throughput exceeds the current capacity for one or more global secondary indexes. DynamoDB is automatically scaling your index so please try again shortly.',
        }
      : { Code: 'None' },
  );
  const codes = reasons.map((r) => r.Code).join(', ');
  return {
    type: 'TransactionCanceledException',
    extra: {
      Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`,
      CancellationReasons: reasons,
    },
  };
}

export async function startThrottlingEndpoint(upstream: string): Promise<ThrottlingEndpoint> {
  const state = {
    throttling: false,
    maxInFlight: Infinity,
    form: 'ThrottlingError' as ThrottleForm,
    throttled: 0,
    calls: {} as Record<string, number>,
  };
  let inFlight = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      state.calls[operation] = (state.calls[operation] ?? 0) + 1;
      const transact = operation === TRANSACT;
      if (transact && (state.throttling || inFlight >= state.maxInFlight)) {
        state.throttled++;
        const { type, extra } = throttleAnswer(state.form, body);
        response.writeHead(state.form === 'InternalServerError' ? 500 : 400, {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-requestid': 'stub',
        });
        response.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, ...extra }));
        return;
      }
      if (transact) inFlight++;
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => name !== 'host' && name !== 'connection'),
      ) as Record<string, string>;
      fetch(`${upstream}${request.url ?? '/'}`, { method: request.method ?? 'POST', headers, body })
        .then(async (answer) => {
          const passed = [...answer.headers.entries()].filter(([name]) => !HOP_HEADERS.has(name));
          response.writeHead(answer.status, Object.fromEntries(passed));
          response.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => {
          response.writeHead(502);
          response.end();
        })
        .finally(() => {
          if (transact) inFlight--;
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    reset: () => {
      state.throttled = 0;
      for (const operation of Object.keys(state.calls)) delete state.calls[operation];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
