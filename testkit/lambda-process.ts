/**
 * One function's bundle in its own Node process, as a Lambda execution environment holds it: the
 * bundle is imported once (timed), then invoked with events one at a time over IPC. No
 * node_modules beside it, only the environment it is given; what it writes to stdout (its logs) is
 * kept, as CloudWatch would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { DEFAULT_TIMEOUT_SECONDS } from '../functions/route-table/shape.ts';

const RUNTIME = `
const started = process.hrtime.bigint();
const { handler } = await import(process.argv[1]);
const timeoutMs = Number(process.argv[2]);
process.send({ ready: Number(process.hrtime.bigint() - started) / 1e6 });
process.on('message', async ({ id, event }) => {
  const t = process.hrtime.bigint();
  const deadline = Date.now() + timeoutMs;
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local', functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:local', memoryLimitInMB: '1024',
    awsRequestId: id, logGroupName: 'local', logStreamName: 'local', callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()), done() {}, fail() {}, succeed() {},
  };
  try {
    const result = await handler(event, context);
    process.send({ id, result, ms: Number(process.hrtime.bigint() - t) / 1e6 });
  } catch (error) {
    process.send({ id, error: String(error?.stack ?? error), ms: Number(process.hrtime.bigint() - t) / 1e6 });
  }
});
`;

export interface Invocation {
  readonly result?: unknown;
  /** Set when the handler threw (Lambda would report an invocation error). */
  readonly error?: string;
  readonly ms: number;
}

type Message = { ready?: number; id?: string; result?: unknown; error?: string; ms?: number };

export class LambdaProcess {
  /** Milliseconds the bundle's import took: the cold start's init phase. */
  importMs = NaN;
  /** Every line the function wrote to stdout and stderr, in order. */
  readonly logs: string[] = [];
  private readonly pending = new Map<string, (message: Message) => void>();
  private exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((done) => child.once('exit', () => done()));
  }

  /**
   * Starts a process, imports the bundle and resolves once it is ready to be invoked; each
   * invocation's context counts down from `timeoutSeconds`, as its function's timeout does.
   */
  static async start(
    bundleFile: string,
    env: Record<string, string>,
    timeoutSeconds = DEFAULT_TIMEOUT_SECONDS,
  ): Promise<LambdaProcess> {
    const runtimeArgs = [pathToFileURL(bundleFile).href, String(timeoutSeconds * 1000)];
    const child = spawn(process.execPath, ['--input-type=module', '-e', RUNTIME, ...runtimeArgs], {
      cwd: tmpdir(),
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const fn = new LambdaProcess(child);
    for (const stream of [child.stdout!, child.stderr!]) {
      let rest = '';
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop()!;
        fn.logs.push(...lines);
      });
    }
    child.on('message', (message: Message) => {
      if (message.id) fn.pending.get(message.id)?.(message);
    });
    fn.importMs = await new Promise<number>((ready, fail) => {
      child.once('message', (message: Message) => ready(message.ready ?? NaN));
      child.once('exit', (code) => fail(new Error(`${bundleFile} exited with ${code}: ${fn.logs.join('\n')}`)));
    });
    return fn;
  }

  invoke(event: unknown): Promise<Invocation> {
    const id = randomUUID();
    return new Promise((done) => {
      this.pending.set(id, (message) => {
        this.pending.delete(id);
        done({ result: message.result, error: message.error, ms: message.ms ?? NaN });
      });
      this.child.send({ id, event });
    });
  }

  /** Log lines that are JSON objects (Powertools' structured logs). */
  jsonLogs(): Record<string, unknown>[] {
    return this.logs.flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    await this.exited;
  }
}
