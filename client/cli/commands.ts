/** The CLI's commands: each parses its arguments, makes one client call (or a loop of them) and prints. */
import { Option, type Command } from 'commander';
import {
  ApiErrorBase,
  RESOURCE_TYPES,
  STATUSES,
  type Connection,
  type CreateConnection,
  type ResourceConnections,
  type ResourceType,
  type Status,
} from '../src/index.ts';
import { cascadeWithProgress } from './progress.ts';
import { printJson, reportFailure, table, UsageError, type Output } from './output.ts';

export interface Context {
  readonly output: Output;
  /** The client for --project/--env; a UsageError when they are not set. */
  readonly client: ResourceConnections;
  /** A client for the public routes, which need no project. */
  publicClient(): ResourceConnections;
  exit(code: number): void;
}

const resourceType = (type: string): ResourceType => {
  if ((RESOURCE_TYPES as readonly string[]).includes(type)) return type as ResourceType;
  throw new UsageError(`'${type}' is not a resource type: one of ${RESOURCE_TYPES.join(', ')}`);
};

/** `type/id` (id optional when `idOptional`); the type must be one the service knows. */
export function parseResource(text: string, idOptional = false): { type: ResourceType; id?: string } {
  const slash = text.indexOf('/');
  if (slash < 0 && idOptional && text) return { type: resourceType(text) };
  if (slash <= 0 || slash === text.length - 1) {
    throw new UsageError(`'${text}' is not a resource: write it as type/id, e.g. instance/i-0abc123`);
  }
  return { type: resourceType(text.slice(0, slash)), id: text.slice(slash + 1) };
}

function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${what} is not JSON: ${text}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new UsageError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function pair(source: string, target: string): CreateConnection {
  const from = parseResource(source);
  const to = parseResource(target);
  return {
    sourceResourceType: from.type,
    sourceResourceId: from.id!,
    targetResourceType: to.type,
    targetResourceId: to.id!,
  };
}

const CONNECTION_HEAD = ['ID', 'SOURCE', 'TARGET', 'STATUS', 'DEADLINE', 'VERSION', 'UPDATED', 'REASON'];
const connectionRow = (c: Connection) => [
  c.id,
  `${c.sourceResourceType}/${c.sourceResourceId}`,
  `${c.targetResourceType}/${c.targetResourceId}`,
  c.deletedAt ? `${c.status} (deleted)` : c.status,
  c.statusDeadline,
  c.version,
  c.updatedAt,
  c.statusReason,
];
export const printConnection = (context: Context, c: Connection) =>
  context.output.json ? printJson(context.output, c) : table(context.output, CONNECTION_HEAD, [connectionRow(c)]);

async function printConnections(
  context: Context,
  pages: AsyncIterable<{ items: readonly Connection[]; nextToken: string | null }>,
  all: boolean,
): Promise<void> {
  const items: Connection[] = [];
  let nextToken: string | null = null;
  for await (const page of pages) {
    items.push(...page.items);
    nextToken = page.nextToken;
    if (!all && (page.items.length > 0 || nextToken === null)) break;
  }
  if (context.output.json) return printJson(context.output, { items, nextToken });
  table(context.output, CONNECTION_HEAD, items.map(connectionRow));
  if (nextToken) context.output.err('more connections match: add --all to list every one');
}

export const statusOption = () => new Option('--status <status>', 'only connections in this status').choices(STATUSES);
/** A whole number written as digits, within bounds: checked here, so a mistake sends nothing. */
const wholeNumber = (value: string, option: string, min: number, max: number) => {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max))
    throw new UsageError(`${option} takes a whole number from ${min} to ${max}, not '${value}'`);
  return n;
};
/** The list's page size, within the service's bounds (docs/api.md: `limit`, 1-100). */
const limit = (value: string) => wholeNumber(value, '--limit', 1, 100);
/** Seconds written as digits (`2`, `0.5`), within bounds. */
export const seconds = (value: string, option: string, min: number, max: number) => {
  const n = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${option} takes seconds from ${min} to ${max}, not '${value}'`);
  return n;
};

/** The service's bounds of `deadlineSeconds` (docs/api.md, Deadlines): checked here, so a mistake sends nothing. */
const deadlineSeconds = (value: string | undefined, name = '--deadline'): { deadlineSeconds?: number } => {
  if (value === undefined) return {};
  const n = seconds(value, name, 5, 604_800);
  if (!Number.isInteger(n)) throw new UsageError(`${name} takes whole seconds, not '${value}'`);
  return { deadlineSeconds: n };
};
const DEADLINE_HELP = "fail it unless it moves on within this many seconds (5-604800; default: the service's)";

/** `--if-match`: a version number, or the entity tag as given. */
const version = (value: string | undefined) => (value && /^\d+$/.test(value) ? Number(value) : value);

/** Wraps a command's work: its context from the parsed command, its failures as exit codes. */
export type Act = <A extends unknown[]>(
  fn: (context: Context, ...args: A) => Promise<void>,
) => (...args: unknown[]) => Promise<void>;

/** `act` for commands whose context `contextOf` builds from the parsed command. */
export const actIn =
  (contextOf: (command: Command) => Context): Act =>
  <A extends unknown[]>(fn: (context: Context, ...args: A) => Promise<void>) =>
  async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    const context = contextOf(command);
    try {
      await fn(context, ...(args.slice(0, -1) as A));
    } catch (error) {
      context.exit(reportFailure(context.output, error));
    }
  };

/** Adds every command but `graph` (graph-command.ts), `watch` and `wait` (watch-command.ts) to the program. */
export function defineCommands(program: Command, act: Act): void {
  program
    .command('create <source> <target>')
    .description('connect two resources, each written type/id')
    .option('--details <json>', 'details, a JSON object')
    .option('--idempotency-key <key>', 'a key that makes retries of this create safe (default: a new one)')
    .option('--deadline <seconds>', DEADLINE_HELP)
    .action(
      act(
        async (
          context,
          source: string,
          target: string,
          options: { details?: string; idempotencyKey?: string; deadline?: string },
        ) => {
          const body = { ...pair(source, target), ...deadlineSeconds(options.deadline) };
          if (options.details !== undefined) body.details = parseJsonObject(options.details, '--details');
          printConnection(context, await context.client.connections.create(body, options));
        },
      ),
    );

  program
    .command('list')
    .description('list connections (the first page, or --all)')
    .option('--source <type[/id]>', 'only connections from this resource type, or resource')
    .option('--target <type[/id]>', 'only connections to this resource type, or resource')
    .addOption(statusOption())
    .option('--include-deleted', 'include soft-deleted connections')
    .option('--limit <n>', 'connections per request (1-100)', limit)
    .option('--all', 'follow nextToken to the last page')
    .action(
      act(async (context, options: Record<string, string | boolean | number | undefined>) => {
        const source = options.source ? parseResource(String(options.source), true) : undefined;
        const target = options.target ? parseResource(String(options.target), true) : undefined;
        const paged = context.client.connections.list({
          sourceResourceType: source?.type,
          sourceResourceId: source?.id,
          targetResourceType: target?.type,
          targetResourceId: target?.id,
          status: options.status as Status | undefined,
          includeDeleted: options.includeDeleted === true ? true : undefined,
          limit: options.limit as number | undefined,
        });
        await printConnections(context, paged.pages(), options.all === true);
      }),
    );

  program
    .command('get <id>')
    .description('show one connection')
    .option('--include-deleted', 'show it even if it is deleted')
    .action(
      act(async (context, id: string, options: { includeDeleted?: boolean }) => {
        printConnection(context, await context.client.connections.get(id, options));
      }),
    );

  program
    .command('status <id> <status>')
    .description('move a connection to a status')
    .option('--reason <text>', 'why (statusReason)')
    .option('--deadline <seconds>', `${DEADLINE_HELP}; pending and connecting only`)
    .option('--if-match <version>', 'only if the connection is at this version')
    .action(
      act(
        async (
          context,
          id: string,
          status: string,
          options: { reason?: string; deadline?: string; ifMatch?: string },
        ) => {
          if (!(STATUSES as readonly string[]).includes(status)) {
            throw new UsageError(`'${status}' is not a status: one of ${STATUSES.join(', ')}`);
          }
          const patch = {
            status: status as Status,
            ...(options.reason !== undefined && { statusReason: options.reason }),
            ...deadlineSeconds(options.deadline),
          };
          printConnection(
            context,
            await context.client.connections.update(id, patch, { ifMatch: version(options.ifMatch) }),
          );
        },
      ),
    );

  program
    .command('heartbeat <id> <seconds>')
    .description("a worker's heartbeat: move the deadline of a pending or connecting connection to now + seconds")
    .option('--if-match <version>', 'only if the connection is at this version')
    .action(
      act(async (context, id: string, value: string, options: { ifMatch?: string }) => {
        const { deadlineSeconds: due } = deadlineSeconds(value, 'heartbeat');
        printConnection(
          context,
          await context.client.connections.heartbeat(id, due!, { ifMatch: version(options.ifMatch) }),
        );
      }),
    );

  program
    .command('details <id> <json>')
    .description('merge a JSON object into the details (JSON Merge Patch: null removes a key)')
    .action(
      act(async (context, id: string, json: string) => {
        const details = parseJsonObject(json, 'details');
        printConnection(context, await context.client.connections.update(id, { details }));
      }),
    );

  program
    .command('delete <id>')
    .description('soft-delete a connection')
    .action(
      act(async (context, id: string) => {
        await context.client.connections.delete(id);
        if (!context.output.json) context.output.out(`deleted ${id}`);
      }),
    );

  program
    .command('restore <id>')
    .description('undo a soft delete (the connection returns as pending)')
    .action(act(async (context, id: string) => printConnection(context, await context.client.connections.restore(id))));

  program
    .command('history <id>')
    .description('every change of a connection, oldest first')
    .action(
      act(async (context, id: string) => {
        const items = await context.client.connections.history(id).toArray();
        if (context.output.json) return printJson(context.output, { items, nextToken: null });
        const changes = (entry: (typeof items)[number]) =>
          Object.entries(entry.changes)
            .map(([field, { from, to }]) => `${field}: ${JSON.stringify(from)} -> ${JSON.stringify(to)}`)
            .join('; ');
        table(
          context.output,
          ['VERSION', 'AT', 'ACTOR', 'ACTION', 'CHANGES'],
          items.map((entry) => [entry.version, entry.at, entry.actor, entry.action, changes(entry)]),
        );
      }),
    );

  program
    .command('resource <resource>')
    .description('every connection of one resource (type/id), as source or target')
    .addOption(statusOption())
    .action(
      act(async (context, resource: string, options: { status?: Status }) => {
        const { type, id } = parseResource(resource);
        await printConnections(context, context.client.resources.connections(type, id!, options).pages(), true);
      }),
    );

  program
    .command('cascade <resource>')
    .description('soft-delete every live connection of a resource (type/id), repeating until complete')
    .action(
      act(async (context, resource: string) => {
        const { type, id } = parseResource(resource);
        const result = await cascadeWithProgress(context.client, type, id!, context.output);
        if (context.output.json) printJson(context.output, { deleted: result.deleted, complete: result.complete });
        else
          context.output.out(`deleted ${result.deleted} connection${result.deleted === 1 ? '' : 's'} of ${resource}`);
      }),
    );

  program
    .command('validate <source> <target>')
    .description('would a create of this pair succeed now? (writes nothing; exits as the create would)')
    .action(
      act(async (context, source: string, target: string) => {
        const result = await context.client.connections.validate(pair(source, target));
        if (context.output.json) printJson(context.output, result);
        else if (result.valid) context.output.out('valid');
        if (!result.valid && result.problem) {
          const error = new ApiErrorBase(result.problem, 'validateConnection', new Headers());
          context.exit(reportFailure(context.output, error));
        }
      }),
    );

  program
    .command('rules')
    .description('which resource types may connect, and the status moves')
    .action(
      act(async (context) => {
        const rules = await context.publicClient().rules();
        if (context.output.json) return printJson(context.output, rules);
        table(
          context.output,
          ['SOURCE', 'TARGETS', 'DESCRIPTION'],
          rules.rules.map((rule) => [rule.sourceResourceType, rule.targetResourceTypes.join(', '), rule.description]),
        );
        context.output.out('');
        table(
          context.output,
          ['STATUS', 'MAY MOVE TO'],
          Object.entries(rules.statusTransitions).map(([from, to]) => [from, to.join(', ')]),
        );
      }),
    );
}
