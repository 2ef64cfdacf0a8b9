/**
 * `npm start`: the whole API on one port, against DynamoDB Local (or DYNAMODB_ENDPOINT), with the
 * same route table, handlers and event shape as in AWS. Tokens are HS256, signed with
 * LOCAL_JWT_SECRET; run `npm run token` to mint one.
 */
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { PayloadTooLargeError, ProblemError, UnauthenticatedError } from '#http/errors.ts';
import { problemResponse, type GatewayEvent, type GatewayResult } from '#http/http.ts';
import { readRetention, readSweepBatchLimit } from '#store/client.ts';
import { SWEEP_LIMIT } from '#store/patterns/deadlines.ts';
import { startLocalDatabase, useLocalEnvironment } from './environment.ts';
import { gatewayEvent, lambdaContext, matchRoute } from './gateway.ts';
import { mintToken, verifyJwt, type JwtClaims } from './jwt.ts';
import { fileSink, publishStream, type StreamFollower } from './stream-events.ts';
import { attachWatchServer, REALTIME_PATH, type WatchServer } from './watch-server.ts';
import { withChannels } from '../functions/events/channels.ts';
import { startSweeper, sweepInterval, type Sweeper } from './deadline-sweeper.ts';
import { listen, portSetting } from './port.ts';
import { buildTopologyPage } from '../web/topology/build.ts';

export const DEFAULT_JWT_SECRET = 'local-dev-secret';
/** API Gateway refuses bodies over 10 MB; the functions refuse much less. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;

export interface LocalServiceOptions {
  port?: number;
  jwtSecret?: string;
  /** A directory for DynamoDB Local's data, or ':memory:'. */
  dataDir?: string;
  /** Use a DynamoDB that is already running instead of starting DynamoDB Local. */
  dynamoDbEndpoint?: string;
  tableName?: string;
  /** Where each event is appended as one JSON line. */
  eventsFile?: string;
  /** How often the deadline sweep runs. @default DEFAULT_SWEEP_INTERVAL_MS (2 s) */
  sweepIntervalMs?: number;
  /** How often the watch endpoint sends `ka`. @default 60 000 */
  keepAliveMs?: number;
}

export interface LocalService {
  readonly url: string;
  readonly dynamoDbEndpoint: string;
  readonly tableName: string;
  readonly eventsFile: string;
  /** Where changes are watched (AppSync Events' WebSocket protocol). */
  readonly realtimeUrl: string;
  close(): Promise<void>;
}

type Handler = (event: GatewayEvent, context: Context) => Promise<GatewayResult>;

export async function startLocalService(options: LocalServiceOptions = {}): Promise<LocalService> {
  const jwtSecret = options.jwtSecret ?? DEFAULT_JWT_SECRET;
  const tableName = options.tableName ?? 'resource-connections';
  // The port first: one in use fails at once, before DynamoDB Local starts; requests wait until ready.
  let ready = () => {};
  const started = new Promise<void>((resolve) => (ready = resolve));
  const server = createServer((req, res) => {
    started
      .then(() => serve(req, res, jwtSecret))
      .catch((error: unknown) => {
        console.error(JSON.stringify({ level: 'ERROR', message: 'local server failure', error: String(error) }));
        const failure = new ProblemError(500, 'INTERNAL', 'Internal Server Error', 'The local server failed.');
        if (!res.headersSent) send(res, problemResponse(failure, randomUUID()));
        else res.destroy();
      });
  });
  const port = await listen(server, options.port ?? 3000);
  // The handlers read their configuration once, when first imported: set it before that.
  useLocalEnvironment({ tableName, pageTokenSecret: `local-page-tokens:${jwtSecret}` });
  const dynamo = await startLocalDatabase({
    tableName,
    endpoint: options.dynamoDbEndpoint,
    dataDir: options.dataDir,
  }).catch(async (error: unknown) => {
    await closeServer(server);
    throw error;
  });
  const endpoint = dynamo.endpoint;
  let events: StreamFollower | undefined;
  let sweeper: Sweeper | undefined;
  let watch: WatchServer | undefined;
  // The topology page, built by the same script the stack runs into its function's asset.
  const pageDir = mkdtempSync(join(tmpdir(), 'topology-page-'));
  const removePage = () => rmSync(pageDir, { recursive: true, force: true });
  const pageBuilt = buildTopologyPage(pageDir);
  pageBuilt.catch(() => undefined); // awaited below; a failure surfaces there

  try {
    process.env.DYNAMODB_ENDPOINT = endpoint;
    process.env.TOPOLOGY_ASSETS_DIR = pageDir;
    await pageBuilt;
    // GET /realtime names this server's own endpoint, as the stack names its Events API.
    const realtimeUrl = `ws://localhost:${port}${REALTIME_PATH}`;
    process.env.REALTIME_URL = realtimeUrl;
    process.env.REALTIME_HOST = `localhost:${port}`;
    watch = attachWatchServer(server, { jwtSecret, keepAliveMs: options.keepAliveMs });
    const eventsFile = options.eventsFile ?? '.data/events.ndjson';
    // Each event to the file, then to its channel's subscribers: the publisher Lambda's two ways out.
    events = await publishStream(endpoint, tableName, withChannels(fileSink(eventsFile), watch));
    sweeper = startSweeper(options.sweepIntervalMs ?? sweepInterval(undefined));
    ready();
    return {
      url: `http://localhost:${port}`,
      dynamoDbEndpoint: endpoint,
      tableName,
      eventsFile,
      realtimeUrl,
      close: async () => {
        await watch?.close();
        await closeServer(server);
        await sweeper?.stop();
        await events?.stop();
        await dynamo.stop();
        removePage();
      },
    };
  } catch (error) {
    await closeServer(server);
    await pageBuilt.catch(() => undefined);
    await watch?.close();
    await sweeper?.stop();
    await events?.stop();
    await dynamo.stop();
    removePage();
    throw error;
  }
}

const handlers = new Map<string, Promise<Handler>>();
function loadHandler(name: string): Promise<Handler> {
  let loaded = handlers.get(name);
  if (!loaded) {
    loaded = import(`../functions/handlers/${name}.ts`).then((module: { handler: Handler }) => module.handler);
    handlers.set(name, loaded);
  }
  return loaded;
}

async function serve(req: IncomingMessage, res: ServerResponse, jwtSecret: string): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const body = await readBody(req);
  if (body === undefined) return send(res, problemResponse(new PayloadTooLargeError(GATEWAY_MAX_BODY), randomUUID()));
  const match = matchRoute(req.method ?? 'GET', url.pathname);
  if (!match) throw new Error('the route table has no $default route');

  let claims: JwtClaims | undefined;
  if (match.route.scope !== null) {
    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    try {
      if (scheme?.toLowerCase() !== 'bearer' || !token) throw new Error('a bearer token is required');
      claims = verifyJwt(token, jwtSecret);
    } catch (error) {
      const reason = (error as Error).message;
      const refusal = new UnauthenticatedError(`${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`);
      return send(res, problemResponse(refusal, randomUUID()));
    }
  }

  const event = gatewayEvent({
    route: match.route,
    method: req.method ?? 'GET',
    path: url.pathname,
    rawQueryString: url.search.slice(1),
    headers: req.headers,
    body,
    claims,
    sourceIp: req.socket.remoteAddress,
    protocol: `HTTP/${req.httpVersion}`,
  });
  const handler = await loadHandler(match.route.handler);
  const result = await handler(event, lambdaContext(match.route.id, event.requestContext.requestId));
  send(res, result);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > GATEWAY_MAX_BODY) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, result: GatewayResult): void {
  const body =
    result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  headers['content-length'] = body.length;
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    server.closeAllConnections();
  });
}

/** LOCAL_KEEP_ALIVE_MS: how often the watch endpoint sends `ka` (tests shorten it); 100 ms at least. */
function keepAliveInterval(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 100)
    throw new Error(`LOCAL_KEEP_ALIVE_MS must be a whole number of ms, 100 or more, not '${value}'`);
  return ms;
}

async function main(): Promise<void> {
  const jwtSecret = process.env.LOCAL_JWT_SECRET || DEFAULT_JWT_SECRET;
  const started = Date.now();
  const sweepIntervalMs = sweepInterval(process.env.LOCAL_SWEEP_INTERVAL_MS);
  const sweepLimit = readSweepBatchLimit() ?? SWEEP_LIMIT;
  const retention = readRetention();
  const service = await startLocalService({
    port: portSetting(process.env.PORT),
    jwtSecret,
    dataDir: process.env.LOCAL_DATA_DIR || '.data',
    dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT || undefined,
    tableName: process.env.TABLE_NAME || undefined,
    eventsFile: process.env.LOCAL_EVENTS_FILE || undefined,
    sweepIntervalMs,
    keepAliveMs: keepAliveInterval(process.env.LOCAL_KEEP_ALIVE_MS),
  });
  const token = mintToken({ projects: ['*'] }, jwtSecret);
  console.log(`Resource Connections API listening on ${service.url} (ready in ${Date.now() - started} ms)`);
  console.log(`DynamoDB: ${service.dynamoDbEndpoint}, table ${service.tableName}`);
  console.log(`Events: appended to ${service.eventsFile}`);
  console.log(`Watch: ${service.realtimeUrl} (AppSync Events' protocol; clients find it at GET /realtime)`);
  console.log(
    `Deadlines: swept every ${sweepIntervalMs} ms (LOCAL_SWEEP_INTERVAL_MS), at most ${sweepLimit} a run (SWEEP_BATCH_LIMIT)`,
  );
  const kept = (days: number) => (days === 0 ? 'forever' : `${days} days`);
  console.log(
    `Retention: deleted connections ${kept(retention.deleted)} (DELETED_RETENTION_DAYS), history ${kept(retention.history)} (HISTORY_RETENTION_DAYS)`,
  );
  console.log(`\nA token for every project (12 h):\n  export TOKEN=${token}\n`);
  console.log(`Try: curl -H "Authorization: Bearer $TOKEN" ${service.url}/api/acme/dev/resource-connections\n`);
  // A browser keeps every address it opened in its history: the link's token can only read acme/dev, for an hour.
  const pageToken = mintToken(
    { subject: 'topology-page', projects: ['acme/dev'], scopes: ['connections:read'], ttlSeconds: 3600 },
    jwtSecret,
  );
  console.log(
    `The topology page of acme/dev (its token only reads acme/dev, for 1 h; the page takes it out of the address):`,
  );
  console.log(`  ${service.url}/topology#project=acme&env=dev&token=${pageToken}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping`);
    await service.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // npm and sh do not always pass SIGTERM on; if whoever started us is gone, stop as well.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && void stop('parent exited'), 1000).unref();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
