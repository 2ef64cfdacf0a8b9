/**
 * A stand-in for the watch API's publish endpoint (AppSync Events, `POST /event`): records each
 * request as it arrived (headers, body) and answers as AppSync does, or fails when told to.
 */
import { createServer } from 'node:http';

export interface PublishRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: { channel: string; events: string[] };
}

export async function startEventsApiStandIn() {
  const received: PublishRequest[] = [];
  let failing = false;
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const body = JSON.parse(text) as PublishRequest['body'];
      received.push({ method: req.method!, path: req.url!, headers: req.headers, body });
      if (failing) {
        res.writeHead(500, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ errors: [{ errorType: 'InternalFailure', message: 'stand-in failure' }] }));
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          failed: [],
          successful: body.events.map((_, index) => ({ identifier: `e-${index}`, index })),
        }),
      );
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/event`,
    received,
    fail: (value: boolean) => (failing = value),
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
