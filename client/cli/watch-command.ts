/**
 * `watch` (each change as it commits) and `wait` (until a connection is connected or failed), both
 * on the client's watch: pushed changes over the endpoint the service names, a read after every
 * (re)subscription; `wait` polls only while the watch is not live.
 */
import type { Command } from 'commander';
import { WebSocket } from 'ws';
import {
  isApiError,
  type Connection,
  type ConnectionChange,
  type ResourceConnections,
  type Status,
  type WatchStatus,
  type WebSocketConstructor,
} from '../src/index.ts';
import { parseResource, printConnection, seconds, statusOption, type Act } from './commands.ts';
import { EXIT, printable, printJson, type Output } from './output.ts';

/** Node 20 has no WebSocket of its own; `ws` is the one the local server runs too. */
const Socket = WebSocket as unknown as WebSocketConstructor;

/** The deadline sweep's actor (docs/api.md, Deadlines): a failure it recorded is the deadline's. */
const DEADLINE_ACTOR = 'system:deadline';

const WATCH_COLUMNS = [
  ['CHANGE', 25],
  ['ID', 26],
  ['SOURCE', 28],
  ['TARGET', 28],
  ['STATUS', 12],
  ['VERSION', 7],
  ['ACTOR', 0],
] as const;

/** One change as a line of fixed-width columns (rows come one at a time: nothing to align them to). */
function watchRow(cells: readonly (string | number)[]): string {
  return cells
    .map((cell, i) => printable(String(cell)).padEnd(WATCH_COLUMNS[i]![1]))
    .join('  ')
    .trimEnd();
}

function printChange(output: Output, change: ConnectionChange): void {
  const c = change.connection;
  if (output.json) return output.out(printJsonLine(change));
  output.out(
    watchRow([
      change.type,
      c.id,
      `${c.sourceResourceType}/${c.sourceResourceId}`,
      `${c.targetResourceType}/${c.targetResourceId}`,
      c.deletedAt ? `${c.status} (deleted)` : c.status,
      c.version,
      c.updatedBy,
    ]),
  );
}

/** A JSON line: the change's type, connection and version, and the event when it was pushed. */
const printJsonLine = (change: ConnectionChange) => {
  let line = '';
  printJson({ json: true, header: false, tty: false, out: (text) => (line = text), err: () => undefined }, change);
  return JSON.stringify(JSON.parse(line));
};

const statusNote = (output: Output) => (status: WatchStatus) => {
  if (status === 'live') output.err('watching: live');
  if (status === 'paused') output.err('watching: connection lost, reconnecting (what changed meanwhile is read again)');
};

/** How long `wait` lets the watch connect before it reads by polling. */
const WATCH_GRACE_MS = 3000;

const isDone = (c: Connection) => c.status === 'connected' || c.status === 'failed';

/**
 * Waits until the connection is connected or failed, or the deadline passes: pushed changes while
 * the watch is live; a read every `intervalMs` while it is not (or the service has no watch); one
 * more read at the deadline. Answers the last state read and whether it is final.
 */
async function waitFor(
  client: ResourceConnections,
  id: string,
  timeoutMs: number,
  intervalMs: number,
): Promise<{ connection: Connection; done: boolean }> {
  const deadline = Date.now() + timeoutMs;
  const stop = new AbortController();
  // The watch gets a few seconds (or one interval, if longer) to go live before the polling fallback reads.
  const state: { status: WatchStatus | 'unavailable'; nextRead: number } = {
    status: 'connecting',
    nextRead: Date.now() + Math.max(intervalMs, WATCH_GRACE_MS),
  };
  let latest: Connection | undefined;
  let refused: unknown;
  let kick: (() => void) | undefined;
  const seen = (c: Connection) => {
    if (!latest || c.version >= latest.version) latest = c;
    if (isDone(c)) stop.abort();
    kick?.();
  };
  const watching = (async () => {
    const read = async function* () {
      yield await client.connections.get(id);
    };
    const onStatus = (status: WatchStatus) => {
      state.status = status;
      kick?.();
    };
    try {
      for await (const change of client.watch({ read, signal: stop.signal, WebSocket: Socket, onStatus })) {
        if (change.connection.id === id) seen(change.connection);
      }
    } catch (error) {
      if (isApiError(error) && error.status !== 503) {
        refused = error; // 404, 401, 403: the command's answer
        return stop.abort();
      }
      state.status = 'unavailable'; // no watch here (an older service, a proxy): poll
      state.nextRead = Date.now();
      kick?.();
    }
  })();
  try {
    while (!stop.signal.aborted && Date.now() < deadline) {
      if (state.status !== 'live' && Date.now() >= state.nextRead) {
        state.nextRead = Date.now() + intervalMs;
        seen(await client.connections.get(id));
        continue;
      }
      const until = state.status === 'live' ? deadline : Math.min(state.nextRead, deadline);
      // Woken early by a change or a status; the timer must not outlive the wait (it would hold the process).
      let sleeping: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        kick = resolve;
        sleeping = setTimeout(resolve, Math.max(1, until - Date.now()));
      });
      clearTimeout(sleeping);
      kick = undefined;
    }
  } finally {
    stop.abort();
  }
  await watching;
  if (refused) throw refused;
  // At the deadline, one read more: a move just before it still counts.
  if (!latest || !isDone(latest)) seen(await client.connections.get(id));
  return { connection: latest!, done: isDone(latest!) };
}

/** Adds `watch` and `wait` to the program. */
export function defineWatchCommands(program: Command, act: Act): void {
  program
    .command('watch')
    .description('print each change as it commits, until Ctrl-C (after the current state of each connection)')
    .option('--source <type[/id]>', 'only connections from this resource type, or resource')
    .option('--target <type[/id]>', 'only connections to this resource type, or resource')
    .addOption(statusOption())
    .option('--include-deleted', 'include soft-deleted connections')
    .action(
      act(async (context, options: { source?: string; target?: string; status?: Status; includeDeleted?: boolean }) => {
        const source = options.source ? parseResource(options.source, true) : undefined;
        const target = options.target ? parseResource(options.target, true) : undefined;
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
        try {
          const changes = context.client.watch({
            sourceResourceType: source?.type,
            sourceResourceId: source?.id,
            targetResourceType: target?.type,
            targetResourceId: target?.id,
            status: options.status,
            includeDeleted: options.includeDeleted,
            WebSocket: Socket,
            onStatus: statusNote(context.output),
            signal: stop.signal,
          });
          if (!context.output.json && context.output.header)
            context.output.out(watchRow(WATCH_COLUMNS.map(([name]) => name)));
          for await (const change of changes) printChange(context.output, change);
        } finally {
          process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
        }
      }),
    );

  program
    .command('wait <id>')
    .description('wait until the connection is connected (exit 0) or failed (exit 7); exit 8 on timeout')
    .option('--timeout <seconds>', 'give up after this long', '300')
    .option('--interval <seconds>', 'time between reads while changes cannot be watched', '2')
    .action(
      act(async (context, id: string, options: { timeout: string; interval: string }) => {
        const timeoutMs = seconds(options.timeout, '--timeout', 0, 7 * 24 * 3600) * 1000;
        const intervalMs = seconds(options.interval, '--interval', 0.1, 3600) * 1000;
        const { connection: c, done } = await waitFor(context.client, id, timeoutMs, intervalMs);
        if (!done) {
          const due = c.statusDeadline ? `; its deadline is ${c.statusDeadline}` : '';
          context.output.err(printable(`timed out: ${id} is still ${c.status} after ${options.timeout} s${due}`));
          return context.exit(EXIT.waitTimedOut);
        }
        printConnection(context, c);
        if (c.status === 'connected') return context.exit(EXIT.ok);
        const by = c.updatedBy === DEADLINE_ACTOR ? " (by the service's deadline sweep)" : '';
        context.output.err(printable(`failed: ${c.statusReason ?? 'no reason given'}${by}`));
        return context.exit(EXIT.waitFailed);
      }),
    );
}
