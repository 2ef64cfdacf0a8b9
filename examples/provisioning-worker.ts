/**
 * An example provisioning worker. It follows the local events file (`npm start` writes it; in AWS
 * an EventBridge rule would deliver the same envelopes) and, for each connection that becomes
 * `pending` (created, restored, or moved back), claims it (`connecting`), does its work, and reports
 * `connected` or `failed` with a reason. Every write is a `modify`, a read-modify-write under
 * If-Match, so workers racing on one event never lose an update: exactly one claims it, the others
 * see the claim and move on. A connection deleted since its event is skipped. While it works, the
 * worker keeps the connection's deadline ahead with heartbeats; a worker that dies stops sending
 * them, and the service fails the connection when its deadline passes instead of letting it say
 * `connecting` forever.
 *
 * Run it beside `npm start` (docs/cli.md); it follows the file from its end, `--from-start` replays it:
 *
 *   RC_PROJECT=acme RC_ENV=dev RC_TOKEN=$(npm run -s token -- --project acme --env dev) \
 *     node --import tsx examples/provisioning-worker.ts [--from-start] [--name w1] [--events-file F] \
 *       [--work-seconds 1] [--heartbeat-seconds 60]
 */
import { open, stat } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { hasProblemCode, ResourceConnections, type Connection } from '../client/src/index.ts';

export interface WorkerOptions {
  readonly client: ResourceConnections;
  readonly eventsFile: string;
  /** This worker's name, recorded in the connection's details as its claim. */
  readonly name: string;
  /** The provisioning itself: resolves when done, throws with the reason when it cannot be done. */
  readonly work: (connection: Connection) => Promise<void>;
  readonly signal: AbortSignal;
  /** Replay the file from its first line; by default only events appended after the call are read. */
  readonly fromStart?: boolean;
  /** One line per connection handled or skipped. */
  readonly log?: (line: string) => void;
  /** The deadline the claim sets and each heartbeat moves on, a third of it apart. @default 60 */
  readonly heartbeatSeconds?: number;
}

interface Envelope {
  readonly 'detail-type': string;
  readonly detail: { readonly connection: Connection };
}

export async function runWorker(options: WorkerOptions): Promise<void> {
  const { client, eventsFile, signal, log = () => undefined } = options;
  const { project, environment } = client.options;
  // Taken before the first await: every event appended after this call is read.
  const lines = followLines(eventsFile, options.fromStart ? 0 : sizeOf(eventsFile), signal);
  for await (const line of lines) {
    const connection = parse(line)?.detail?.connection;
    if (connection?.projectSlug !== project || connection.environmentSlug !== environment) continue;
    if (connection.status !== 'pending' || connection.deletedAt) continue;
    try {
      await provision(options, connection);
    } catch (error) {
      // Gone since its event; or the service failed past the client's retries: the connection stays
      // where it is (its deadline fails a stuck one) and the worker goes on with the next event.
      if (hasProblemCode(error, 'NOT_FOUND')) log(`skipped ${connection.id}: deleted since`);
      else log(`gave up on ${connection.id}: ${(error as Error).message}`);
    }
  }
}

async function provision(options: WorkerOptions, connection: Connection) {
  const { client, name, work, log = () => undefined, heartbeatSeconds = 60 } = options;
  let mine = false;
  const claimed = await client.connections.modify(connection.id, (c) => {
    mine = c.status === 'pending'; // called again after a 412: the last call is the one that wrote
    return mine ? { status: 'connecting', details: { worker: name }, deadlineSeconds: heartbeatSeconds } : undefined;
  });
  if (!mine) return; // another worker has it, or it moved on
  log(`claimed ${describe(claimed)}`);
  const beats = heartbeats(client, claimed.id, heartbeatSeconds, log);
  const outcome = await work(claimed)
    .then(
      () => ({ status: 'connected' as const, statusReason: `provisioned by ${name}` }),
      (error: Error) => ({ status: 'failed' as const, statusReason: error.message }),
    )
    .finally(() => beats.stop());
  const reported = await client.connections.modify(connection.id, (c) =>
    c.status === 'connecting' && c.details.worker === name ? outcome : undefined,
  );
  log(`${reported.status} ${describe(reported)}${reported.statusReason ? `: ${reported.statusReason}` : ''}`);
}

/**
 * Moves the deadline `seconds` ahead every third of it, while the work runs. A heartbeat the service
 * refuses (the connection is no longer connecting: failed by its deadline, or moved by someone else)
 * ends them: the report that follows finds out what happened.
 */
function heartbeats(client: ResourceConnections, id: string, seconds: number, log: (line: string) => void) {
  const timer = setInterval(
    () => {
      client.connections.heartbeat(id, seconds).catch((error: Error) => {
        log(`heartbeat of ${id} refused: ${error.message}`);
        clearInterval(timer);
      });
    },
    (seconds * 1000) / 3,
  );
  return { stop: () => clearInterval(timer) };
}

const describe = (c: Connection) =>
  `${c.id} ${c.sourceResourceType}/${c.sourceResourceId} -> ${c.targetResourceType}/${c.targetResourceId}`;

function parse(line: string): Envelope | undefined {
  try {
    return JSON.parse(line) as Envelope;
  } catch {
    return undefined; // not an event (the tail of a line the worker started in the middle of)
  }
}

const sizeOf = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return 0; // not written yet
  }
};

/** Whole lines appended to `file` from byte `offset` on, read every 100 ms until `signal` aborts. */
async function* followLines(file: string, offset: number, signal: AbortSignal): AsyncGenerator<string> {
  while (!signal.aborted) {
    const size = await stat(file).then(
      (s) => s.size,
      () => 0,
    );
    if (size < offset) offset = 0; // the file was replaced: read the new one from its start
    if (size > offset) {
      const handle = await open(file, 'r');
      const bytes = Buffer.alloc(size - offset);
      try {
        await handle.read(bytes, 0, bytes.length, offset);
      } finally {
        await handle.close();
      }
      const end = bytes.lastIndexOf(0x0a) + 1; // only whole lines: the writer may be mid-line
      offset += end;
      for (const line of bytes.subarray(0, end).toString('utf8').split('\n')) if (line) yield line;
    }
    await sleep(100, undefined, { signal }).catch(() => undefined);
  }
}

/** The command: a worker whose work is a stand-in (it waits --work-seconds); put your provisioning there. */
async function main() {
  const { values } = parseArgs({
    options: {
      'events-file': { type: 'string', default: process.env.LOCAL_EVENTS_FILE || '.data/events.ndjson' },
      name: { type: 'string', default: `worker-${process.pid}` },
      'from-start': { type: 'boolean', default: false },
      'work-seconds': { type: 'string', default: '1' },
      'heartbeat-seconds': { type: 'string', default: '60' },
    },
  });
  const { RC_URL = 'http://localhost:3000', RC_TOKEN, RC_PROJECT, RC_ENV } = process.env;
  const workMs = Number(values['work-seconds']) * 1000;
  const heartbeatSeconds = Number(values['heartbeat-seconds']);
  if (
    !RC_TOKEN ||
    !RC_PROJECT ||
    !RC_ENV ||
    !(workMs >= 0) ||
    !(Number.isInteger(heartbeatSeconds) && heartbeatSeconds >= 5 && heartbeatSeconds <= 604_800)
  ) {
    console.error(
      'set RC_TOKEN, RC_PROJECT and RC_ENV (RC_URL if not http://localhost:3000); --work-seconds >= 0; ' +
        '--heartbeat-seconds a whole number from 5 to 604800',
    );
    process.exit(2);
  }
  const client = new ResourceConnections({
    baseUrl: RC_URL,
    token: RC_TOKEN,
    project: RC_PROJECT,
    environment: RC_ENV,
  });
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
  const from = values['from-start'] ? 'its start' : 'its end';
  console.log(`${values.name}: following ${values['events-file']} from ${from} for ${RC_PROJECT}/${RC_ENV}`);
  await runWorker({
    client,
    eventsFile: values['events-file'],
    name: values.name,
    fromStart: values['from-start'],
    signal: stop.signal,
    heartbeatSeconds,
    work: async () => {
      await sleep(workMs);
    },
    log: (line) => console.log(`${values.name}: ${line}`),
  });
  console.log(`${values.name}: stopped`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
