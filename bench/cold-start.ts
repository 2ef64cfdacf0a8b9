/**
 * Cold start as deployed, against the floor. Each function is bundled as the stack bundles it and
 * run with the environment its synthesized template gives it (NODE_OPTIONS included), in a fresh
 * Node process; the floor is a bundle that only builds the DynamoDB document client, with no
 * source map. Function and floor alternate, pair after pair (which goes first alternates too), so
 * that a busy machine weighs on both; the figure is the median of the per-pair ratios. Two figures:
 * the import (Lambda's init phase) and the first invocation (import plus one request against
 * DynamoDB Local, which includes what the SDK loads lazily on its first call), the latter against
 * two floors: one that sends a single GetItem, and one that sends the very requests the function
 * sent (floor-replay.ts), which leaves the function's own code as the difference.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployedFunctions, lambdaRuntimeEnvironment, type DeployedFunction } from '../testkit/deployed.ts';
import { BASELINE_ENTRY, bundleFunction, ROOT } from '../testkit/esbuild.ts';
import { firstRequests } from './first-requests.ts';
import { synthesizedTemplate } from '../testkit/deployed.ts';
import { LambdaProcess } from '../testkit/lambda-process.ts';
import { median, percentile } from './report.ts';
import {
  copyTable,
  forReplay,
  recordingProxy,
  type RecordingProxy,
  type RequestGroups,
} from '../testkit/request-recorder.ts';
import { ROUTES } from '../functions/routes.ts';
import { type Route } from '../functions/route-table/shape.ts';
import { buildTopologyPage } from '../web/topology/build.ts';

const REPLAY_FLOOR_ENTRY = join(ROOT, 'bench/floor-replay.ts');

export interface Paired {
  readonly functionMs: number[];
  readonly floorMs: number[];
  /** Median of functionMs[i] / floorMs[i]. */
  readonly ratio: number;
  /** The 25th and 75th percentiles of those ratios: how much one pair says. */
  readonly quartiles: readonly [number, number];
}

export interface ColdStart {
  readonly name: string;
  readonly bytes: number;
  readonly nodeOptions: string;
  readonly import: Paired;
  /** Against the floor that sends one GetItem. */
  readonly firstInvocation?: Paired;
  /** Against the floor that sends the same requests as the function (floor-replay.ts). */
  readonly sameRequests?: Paired;
  /** What the function's first request asked of AWS. */
  readonly requests?: string;
  /** What the first invocation answered (status code, or the batch failures of the publisher). */
  readonly answered?: string;
}

export interface ColdStartResults {
  readonly floorBytes: number;
  readonly pairs: number;
  readonly functions: ColdStart[];
}

export interface DynamoTarget {
  readonly endpoint: string;
  readonly tableName: string;
}

function paired(functionMs: number[], floorMs: number[]): Paired {
  const ratios = functionMs.map((ms, i) => ms / floorMs[i]!);
  return { functionMs, floorMs, ratio: median(ratios), quartiles: [percentile(ratios, 25), percentile(ratios, 75)] };
}

/** A stand-in EventBridge endpoint that accepts every PutEvents. */
async function acceptingEventBridge(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume().on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ FailedEntryCount: 0, Entries: [{ EventId: 'bench' }] }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}` };
}

/**
 * Runs each kind once per round, `rounds` times; who goes first rotates, so that a busy moment of
 * the machine weighs on each in turn. `run` returns one sample in ms.
 */
async function interleave<K extends string>(
  rounds: number,
  kinds: readonly K[],
  run: (kind: K, round: number) => Promise<number>,
): Promise<Record<K, number[]>> {
  const samples = Object.fromEntries(kinds.map((kind) => [kind, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (let j = 0; j < kinds.length; j++) {
      const kind = kinds[(round + j) % kinds.length]!;
      samples[kind].push(await run(kind, round));
    }
  }
  return samples;
}

/** The requests of a first invocation, e.g. `1 GetItem, 1 TransactWriteItems in 2 round trips`. */
function describeRequests(groups: RequestGroups): string {
  if (groups.length === 0) return 'none';
  const counts = new Map<string, number>();
  for (const { operation } of groups.flat()) counts.set(operation, (counts.get(operation) ?? 0) + 1);
  const ops = [...counts].map(([operation, n]) => `${n} ${operation}`).join(', ');
  return `${ops} in ${groups.length} round trip${groups.length === 1 ? '' : 's'}`;
}

export async function measureColdStart(pairs: number, dynamo?: DynamoTarget): Promise<ColdStartResults> {
  const dir = mkdtempSync(join(tmpdir(), 'rc-cold-start-'));
  const eventBridge = await acceptingEventBridge();
  try {
    const tableName = dynamo?.tableName ?? 'bench';
    const functions = deployedFunctions(synthesizedTemplate(), {
      TABLE_NAME: tableName,
      PAGE_TOKEN_SECRET: 'bench-page-token-secret',
      EVENT_BUS_NAME: 'bench-bus',
      WATCH_PUBLISH_URL: 'https://bench-events.example/event',
      REALTIME_URL: 'wss://bench-realtime.example/event/realtime',
      REALTIME_HOST: 'bench-events.example',
    });
    // As deployed, a bundle has no node_modules beside it: built in the temp dir, it cannot reach ours.
    const floor = await bundleFunction(BASELINE_ENTRY, join(dir, 'floor'), { sourcemap: false });
    const bundles = new Map<string, { file: string; bytes: number }>();
    for (const fn of functions) {
      bundles.set(fn.name, await bundleFunction(join(ROOT, 'functions/handlers', `${fn.name}.ts`), join(dir, fn.name)));
      // The stack builds a web page's files beside its function's bundle; so does the bench.
      const page = (ROUTES as readonly Route[]).find((route) => route.handler === fn.name)?.webPage;
      if (page) await buildTopologyPage(join(dir, fn.name, page));
    }
    const local: Record<string, string> = dynamo
      ? { DYNAMODB_ENDPOINT: dynamo.endpoint, AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.url }
      : { DYNAMODB_ENDPOINT: 'http://127.0.0.1:1' };
    const envOf = (fn: DeployedFunction) => ({ ...lambdaRuntimeEnvironment(fn.name), ...fn.environment, ...local });
    const floorEnv: Record<string, string> = {
      ...lambdaRuntimeEnvironment('floor'),
      TABLE_NAME: tableName,
      ...(dynamo ? { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint } : {}),
    };

    const results = new Map<string, Omit<ColdStart, 'name' | 'bytes' | 'nodeOptions'>>();
    for (const fn of functions) {
      console.error(`bench:   import ${fn.name}`);
      const samples = await interleave(pairs, ['function', 'floor'], async (which) => {
        const p = await LambdaProcess.start(
          which === 'function' ? bundles.get(fn.name)!.file : floor.file,
          which === 'function' ? envOf(fn) : floorEnv,
        );
        await p.stop();
        return p.importMs;
      });
      results.set(fn.name, { import: paired(samples.function, samples.floor) });
    }

    if (dynamo) {
      const byName = new Map(functions.map((fn) => [fn.name, fn]));
      const seeder = (name: string) => LambdaProcess.start(bundles.get(name)!.file, envOf(byName.get(name)!));
      const [create, remove] = await Promise.all([seeder('create-connection'), seeder('delete-connection')]);
      const events = await firstRequests(pairs, { create, remove }, dynamo).finally(() =>
        Promise.all([create.stop(), remove.stop()]),
      );
      // The function's requests are recorded on one copy of the seeded table and replayed by the
      // same-requests floor on another: both start from the state the function's table starts from.
      const [recordTable, replayTable] = [`${tableName}-recorded`, `${tableName}-replayed`];
      await copyTable(dynamo.endpoint, tableName, [recordTable, replayTable]);
      const proxy = await recordingProxy(dynamo.endpoint, eventBridge.url);
      const replayFloor = await bundleFunction(REPLAY_FLOOR_ENTRY, join(dir, 'floor-replay'), { sourcemap: false });
      const replayEnv = { ...floorEnv, TABLE_NAME: replayTable };
      try {
        for (const fn of functions) {
          console.error(`bench:   first invocation ${fn.name}`);
          const rounds = events.get(fn.name)!;
          const recorded = await recordRequests(proxy, bundles.get(fn.name)!.file, rounds, {
            ...envOf(fn),
            DYNAMODB_ENDPOINT: proxy.url,
            AWS_ENDPOINT_URL_EVENTBRIDGE: proxy.url,
            TABLE_NAME: recordTable,
          });
          let answered = '';
          const samples = await interleave(pairs, ['function', 'floor', 'replay'], async (which, round) => {
            const [file, env, event] =
              which === 'function'
                ? [bundles.get(fn.name)!.file, envOf(fn), rounds[round]]
                : which === 'floor'
                  ? [floor.file, floorEnv, {}]
                  : [replayFloor.file, replayEnv, { groups: forReplay(recorded[round]!, recordTable, replayTable) }];
            const p = await LambdaProcess.start(file, env);
            const answer = await p.invoke(event);
            await p.stop();
            if (answer.error) throw new Error(`${which} ${fn.name} threw: ${answer.error}\n${p.logs.join('\n')}`);
            if (which === 'function') answered = describe(answer.result);
            return p.importMs + answer.ms;
          });
          results.set(fn.name, {
            ...results.get(fn.name)!,
            firstInvocation: paired(samples.function, samples.floor),
            sameRequests: paired(samples.function, samples.replay),
            requests: describeRequests(recorded[0]!),
            answered,
          });
        }
      } finally {
        proxy.close();
      }
    }

    return {
      floorBytes: floor.bytes,
      pairs,
      functions: functions.map((fn) => ({
        name: fn.name,
        bytes: bundles.get(fn.name)!.bytes,
        nodeOptions: fn.environment.NODE_OPTIONS ?? '',
        ...results.get(fn.name)!,
      })),
    };
  } finally {
    eventBridge.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each event sent to one warm process of the bundle, recording what it asks of AWS. */
async function recordRequests(
  proxy: RecordingProxy,
  file: string,
  events: readonly unknown[],
  env: Record<string, string>,
): Promise<RequestGroups[]> {
  const recorder = await LambdaProcess.start(file, env);
  try {
    const recorded: RequestGroups[] = [];
    for (const event of events) {
      proxy.take();
      const answer = await recorder.invoke(event);
      if (answer.error) throw new Error(`recording ${file} threw: ${answer.error}`);
      recorded.push(proxy.take());
    }
    return recorded;
  } finally {
    await recorder.stop();
  }
}

function describe(result: unknown): string {
  const r = result as { statusCode?: number; batchItemFailures?: unknown[] } | undefined;
  if (r?.statusCode !== undefined) return String(r.statusCode);
  if (r?.batchItemFailures) return `${r.batchItemFailures.length} failures`;
  return JSON.stringify(result);
}
