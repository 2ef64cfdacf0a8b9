/**
 * What a function's first request asks of AWS, so that a floor can ask exactly the same: a proxy in
 * front of DynamoDB Local (and the stand-in EventBridge) records each request's operation and body,
 * grouped by what was in flight together, and copies of the seeded table let the function be
 * recorded on one copy and replayed by the floor on another, from the same state, so that every
 * condition in the replay holds as it did for the function.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalDatabase } from '../local/environment.ts';
import { seedingClient, seedItems } from './seed.ts';

/** One AWS request: the operation (`GetItem`, `PutEvents`…) and its JSON body. */
export interface RecordedRequest {
  readonly operation: string;
  readonly input: Record<string, unknown>;
}
/** Requests sent one after another; each group's requests were in flight together. */
export type RequestGroups = RecordedRequest[][];

export interface RecordingProxy {
  readonly url: string;
  /** Starts a new recording and returns the groups recorded since the last call. */
  take(): RequestGroups;
  close(): void;
}

/** Forwards DynamoDB requests to `dynamoEndpoint` and every other AWS request to `otherEndpoint`. */
export async function recordingProxy(dynamoEndpoint: string, otherEndpoint: string): Promise<RecordingProxy> {
  let groups: RequestGroups = [];
  let inFlight = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.slice(target.indexOf('.') + 1);
      if (inFlight++ === 0) groups.push([]);
      groups.at(-1)!.push({ operation, input: JSON.parse(body.toString('utf8') || '{}') });
      const to = new URL(target.startsWith('DynamoDB_') ? dynamoEndpoint : otherEndpoint);
      const upstream = httpRequest(
        {
          host: to.hostname,
          port: to.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: to.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res).on('finish', () => inFlight--);
        },
      );
      upstream.end(body);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    take: () => {
      const taken = groups;
      groups = [];
      return taken;
    },
    close: () => server.close(),
  };
}

/** Creates `copies` tables on the same endpoint holding every item of `tableName`. */
export async function copyTable(endpoint: string, tableName: string, copies: readonly string[]): Promise<void> {
  const client = seedingClient(endpoint);
  try {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    for (const copy of copies) {
      await startLocalDatabase({ tableName: copy, endpoint });
      await seedItems(client, copy, items);
    }
  } finally {
    client.destroy();
  }
}

/**
 * The groups as the floor replays them on its own copy of the table: every mention of the table
 * renamed, and no ClientRequestToken (the SDK makes a new one per transaction; DynamoDB refuses a
 * token reused on another request).
 */
export function forReplay(groups: RequestGroups, from: string, to: string): RequestGroups {
  const renamed = JSON.stringify(groups).replaceAll(JSON.stringify(from), JSON.stringify(to));
  return (JSON.parse(renamed) as RequestGroups).map((group) =>
    group.map(({ operation, input: { ClientRequestToken: _, ...input } }) => ({ operation, input })),
  );
}
