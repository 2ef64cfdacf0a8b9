/**
 * The one local environment, shared by the local server, the test suites and the benchmark: the
 * configuration the functions read, and a DynamoDB with the connections table created from the one
 * table definition (DynamoDB Local, AWS's own engine from the jar inside the
 * amplify-dynamodb-simulator package, on a free port and stopped with its owner; or a DynamoDB
 * already running at an endpoint, such as LocalStack's).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type Projection,
} from '@aws-sdk/client-dynamodb';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { KEY_ATTRIBUTES, projectionOf, TABLE, type IndexDefinition } from '#store/table-definition.ts';

export interface LocalSettings {
  readonly tableName: string;
  /** Where DynamoDB answers; unset leaves the variable as it is. */
  readonly dynamoDbEndpoint?: string;
  /** Used unless PAGE_TOKEN_SECRET is set already. */
  readonly pageTokenSecret: string;
}

/**
 * Sets the configuration the functions read (they read it once, at import: call this first), and
 * quiets what means nothing off AWS: EMF metric lines, and the SDK's notice about its future Node
 * 22 floor (the Lambda runtime is Node 24; this machine may run 20).
 */
export function useLocalEnvironment(settings: LocalSettings): void {
  process.env.TABLE_NAME = settings.tableName;
  if (settings.dynamoDbEndpoint) process.env.DYNAMODB_ENDPOINT = settings.dynamoDbEndpoint;
  process.env.PAGE_TOKEN_SECRET ??= settings.pageTokenSecret;
  process.env.AWS_REGION ??= 'local';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  // DynamoDB Local's JVM stalls for seconds on a busy machine, where DynamoDB answers in milliseconds.
  process.env.DYNAMODB_REQUEST_TIMEOUT_MS ??= '10000';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

export interface LocalDatabase {
  readonly endpoint: string;
  readonly tableName: string;
  /** Stops DynamoDB Local if this started it, and drops the table if asked to. */
  stop(): Promise<void>;
}

export interface LocalDatabaseOptions {
  readonly tableName: string;
  /** A DynamoDB already running; DynamoDB Local is started when unset. */
  readonly endpoint?: string;
  /** DynamoDB Local's data directory, or ':memory:' (the default). */
  readonly dataDir?: string;
  /** Delete the table on stop: for a throwaway table on a DynamoDB that outlives the run. */
  readonly dropTable?: boolean;
  /** Give the table its change stream, as in AWS. @default true */
  readonly stream?: boolean;
}

/** A client for table administration: DynamoDB Local takes any credentials; an external endpoint gets the caller's, if any. */
export function adminClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'local',
    ...(process.env.AWS_ACCESS_KEY_ID ? {} : { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  });
}

/** A DynamoDB holding the connections table, created if missing. */
export async function startLocalDatabase(options: LocalDatabaseOptions): Promise<LocalDatabase> {
  const local = options.endpoint ? undefined : await startDynamoDbLocal({ dataDir: options.dataDir });
  const endpoint = options.endpoint ?? local!.endpoint;
  const admin = adminClient(endpoint);
  try {
    await ensureTable(admin, options.tableName, options.stream ?? true);
  } catch (error) {
    admin.destroy();
    await local?.stop();
    throw error;
  }
  return {
    endpoint,
    tableName: options.tableName,
    stop: async () => {
      try {
        if (options.dropTable) await admin.send(new DeleteTableCommand({ TableName: options.tableName }));
      } finally {
        admin.destroy();
        await local?.stop();
      }
    },
  };
}

const projectionFor = (index: IndexDefinition): Projection => {
  const { type, attributes } = projectionOf(index);
  return type === 'INCLUDE' ? { ProjectionType: type, NonKeyAttributes: [...attributes] } : { ProjectionType: type };
};

const STREAM = { StreamEnabled: true, StreamViewType: TABLE.stream } as const;

/** Creates the connections table from the one table definition, as the CDK stack does in AWS. */
async function ensureTable(client: DynamoDBClient, tableName: string, stream: boolean): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: KEY_ATTRIBUTES.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: (Object.values(TABLE.indexes) as IndexDefinition[]).map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: projectionFor(index),
        })),
        ...(stream && { StreamSpecification: STREAM }),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    return; // Already there (a kept data directory, or an external endpoint).
  }
  await untilActive(client, tableName);
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TABLE.timeToLiveAttribute, Enabled: true },
    }),
  );
}

/** Turns on the change stream of a table made without one. */
export async function enableStream(endpoint: string, tableName: string): Promise<void> {
  const admin = adminClient(endpoint);
  try {
    await admin.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: STREAM }));
    await untilActive(admin, tableName);
  } finally {
    admin.destroy();
  }
}

async function untilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** A directory to keep the data in, or ':memory:' to keep nothing. */
  dataDir?: string;
  port?: number;
}

const emulatorDir = () =>
  join(dirname(createRequire(import.meta.url).resolve('amplify-dynamodb-simulator/package.json')), 'emulator');

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  if (spawnSync('java', ['-version']).error) {
    throw new Error('DynamoDB Local needs Java 17 or newer on the PATH (apt-get install openjdk-17-jre-headless).');
  }
  const port = options.port ?? (await freePort());
  const dir = emulatorDir();
  const storage =
    options.dataDir === undefined || options.dataDir === ':memory:'
      ? ['-inMemory']
      : ['-dbPath', ensureDir(resolve(options.dataDir))];
  const child = spawn(
    'java',
    [
      '-XX:TieredStopAtLevel=1',
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      ...storage,
      '-sharedDb',
      '-port',
      String(port),
      '-disableTelemetry',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const stopOnExit = () => child.kill('SIGKILL');
  process.once('exit', stopOnExit);

  try {
    await waitForPort(port, child, () => stderr);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: async () => {
      process.removeListener('exit', stopOnExit);
      await stopChild(child);
    },
  };
}

function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}): ${stderr()}`);
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), done(true)));
      socket.once('error', () => done(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`DynamoDB Local did not start within 30 s: ${stderr()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}
