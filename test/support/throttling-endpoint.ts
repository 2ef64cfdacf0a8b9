/**
 * A stand-in DynamoDB endpoint in front of DynamoDB Local: it passes every call through, except
 * that while `throttling` is on it answers each TransactWriteItems exactly as DynamoDB does when a
 * GSI's back-pressure cancels a transaction: HTTP 400, TransactionCanceledException, one
 * cancellation reason per item, the first `ThrottlingError`. The SDK parses that answer itself, so
 * the code under test sees the very error the cloud would throw.
 */
import { createServer, type Server } from 'node:http';

export interface ThrottlingEndpoint {
  readonly url: string;
  /** Answer TransactWriteItems with the throttling cancellation while true. */
  throttling: boolean;
  /** TransactWriteItems calls answered with it, since the last reset. */
  throttled: number;
  close(): Promise<void>;
}

const TARGET_TRANSACT = 'DynamoDB_20120810.TransactWriteItems';
// fetch has already decoded and measured the body it hands on.
const HOP_HEADERS = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'connection']);

export async function startThrottlingEndpoint(upstream: string): Promise<ThrottlingEndpoint> {
  const state = { throttling: false, throttled: 0 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      if (state.throttling && request.headers['x-amz-target'] === TARGET_TRANSACT) {
        state.throttled++;
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
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'stub' });
        response.end(
          JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
            Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`,
            CancellationReasons: reasons,
          }),
        );
        return;
      }
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
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
