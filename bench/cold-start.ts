/**
 * Cold start as deployed, against the floor. Each function is bundled as the stack bundles it and
 * run with the environment its synthesized template gives it (NODE_OPTIONS included), in a fresh
 * Node process; the floor is a bundle that only builds the DynamoDB document client, with no
 * source map. Function and floor alternate, pair after pair (which goes first alternates too), so
 * that a busy machine weighs on both; the figure is the median of the per-pair ratios. Two figures:
 * the import (Lambda's init phase) and the first invocation (import plus one request against
 * DynamoDB Local, which includes what the SDK loads lazily on its first call).
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  deployedFunctions,
  lambdaRuntimeEnvironment,
  synthesizedTemplate,
  type DeployedFunction,
} from '../testkit/deployed.ts';
import { BASELINE_ENTRY, bundleFunction, ROOT } from '../testkit/esbuild.ts';
import { firstRequests } from './first-requests.ts';
import { LambdaProcess } from '../testkit/lambda-process.ts';
import { median } from './report.ts';
import { ROUTES, type Route } from '../functions/routes.ts';
import { buildTopologyPage } from '../web/topology/build.ts';

export interface Paired {
  readonly functionMs: number[];
  readonly floorMs: number[];
  /** Median of functionMs[i] / floorMs[i]. */
  readonly ratio: number;
}

export interface ColdStart {
  readonly name: string;
  readonly bytes: number;
  readonly nodeOptions: string;
  readonly import: Paired;
  readonly firstInvocation?: Paired;
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

const paired = (functionMs: number[], floorMs: number[]): Paired => ({
  functionMs,
  floorMs,
  ratio: median(functionMs.map((ms, i) => ms / floorMs[i]!)),
});

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

/** Alternates function and floor `pairs` times; `run` returns one sample in ms. */
async function alternate(pairs: number, run: (which: 'function' | 'floor') => Promise<number>): Promise<Paired> {
  const fn: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const order = i % 2 === 0 ? (['function', 'floor'] as const) : (['floor', 'function'] as const);
    for (const which of order) (which === 'function' ? fn : floor).push(await run(which));
  }
  return paired(fn, floor);
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

    const results = new Map<string, { import: Paired; firstInvocation?: Paired; answered?: string }>();
    for (const fn of functions) {
      console.error(`bench:   import ${fn.name}`);
      const importPaired = await alternate(pairs, async (which) => {
        const p = await LambdaProcess.start(
          which === 'function' ? bundles.get(fn.name)!.file : floor.file,
          which === 'function' ? envOf(fn) : floorEnv,
        );
        await p.stop();
        return p.importMs;
      });
      results.set(fn.name, { import: importPaired });
    }

    if (dynamo) {
      const byName = new Map(functions.map((fn) => [fn.name, fn]));
      const seeder = (name: string) => LambdaProcess.start(bundles.get(name)!.file, envOf(byName.get(name)!));
      const [create, remove] = await Promise.all([seeder('create-connection'), seeder('delete-connection')]);
      const events = await firstRequests(pairs, { create, remove }, dynamo).finally(() =>
        Promise.all([create.stop(), remove.stop()]),
      );
      for (const fn of functions) {
        console.error(`bench:   first invocation ${fn.name}`);
        let round = 0;
        let answered = '';
        const firstPaired = await alternate(pairs, async (which) => {
          const p = await LambdaProcess.start(
            which === 'function' ? bundles.get(fn.name)!.file : floor.file,
            which === 'function' ? envOf(fn) : floorEnv,
          );
          const event = which === 'function' ? events.get(fn.name)![round++] : {};
          const answer = await p.invoke(event);
          await p.stop();
          if (answer.error) throw new Error(`${which} ${fn.name} threw: ${answer.error}\n${p.logs.join('\n')}`);
          if (which === 'function') answered = describe(answer.result);
          return p.importMs + answer.ms;
        });
        results.set(fn.name, { ...results.get(fn.name)!, firstInvocation: firstPaired, answered });
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

function describe(result: unknown): string {
  const r = result as { statusCode?: number; batchItemFailures?: unknown[] } | undefined;
  if (r?.statusCode !== undefined) return String(r.statusCode);
  if (r?.batchItemFailures) return `${r.batchItemFailures.length} failures`;
  return JSON.stringify(result);
}
