/**
 * `resource-connections`: the CLI on the typed client. Global settings come from flags or from
 * RC_URL, RC_TOKEN, RC_PROJECT and RC_ENV; every command exits with a code from EXIT (output.ts).
 */
import { Command, CommanderError, Option } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { InvalidRequestError, ResourceConnections, type ClientOptions } from '../src/index.ts';
import { actIn, defineCommands, type Context } from './commands.ts';
import { defineGraphCommand } from './graph-command.ts';
import { defineWatchCommands } from './watch-command.ts';
import { EXIT, reportFailure, UsageError, type Output } from './output.ts';

export interface Io {
  readonly env: NodeJS.ProcessEnv;
  readonly stdoutIsTty: boolean;
  out(text: string): void;
  err(text: string): void;
}

interface GlobalOptions {
  url: string;
  token?: string;
  project?: string;
  env?: string;
  json: boolean;
  header: boolean;
}

export async function run(argv: readonly string[], io: Io): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('resource-connections')
    .description('Connect resources and follow each connection from pending to connected.')
    .version(packageJson.version, '-V, --version', 'print the version')
    .addOption(new Option('--url <url>', 'the API (env RC_URL)').default(io.env.RC_URL || 'http://localhost:3000'))
    // No default here: help would print the token for anyone reading the screen or a CI log.
    .addOption(new Option('--token <jwt>', 'bearer token (env RC_TOKEN)'))
    .addOption(new Option('--project <slug>', 'project (env RC_PROJECT)').default(io.env.RC_PROJECT))
    .addOption(new Option('--env <slug>', 'environment (env RC_ENV)').default(io.env.RC_ENV))
    .option('--json', "print the API's JSON instead of a table", false)
    .option('--no-header', 'leave out table headers (for shell pipelines)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(add --help for usage)');

  const context = (command: Command): Context => {
    const options = command.optsWithGlobals<GlobalOptions>();
    const output: Output = {
      json: options.json,
      header: options.header,
      tty: io.stdoutIsTty,
      out: io.out,
      err: io.err,
    };
    const token = options.token ?? io.env.RC_TOKEN;
    let client: ResourceConnections | undefined;
    return {
      output,
      get client() {
        if (!options.project || !options.env) {
          throw new UsageError('set the project and environment: --project and --env, or RC_PROJECT and RC_ENV');
        }
        if (!token) throw new UsageError('set a bearer token: --token, or RC_TOKEN');
        client ??= clientFor({ baseUrl: options.url, token, project: options.project, environment: options.env });
        return client;
      },
      publicClient: () => clientFor({ baseUrl: options.url, project: '-', environment: '-' }),
      exit: (code: number) => {
        exitCode = code;
      },
    };
  };

  const act = actIn(context);
  defineCommands(program, act);
  defineGraphCommand(program, act);
  defineWatchCommands(program, act);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are not failures; everything else commander refuses is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return reportFailure({ json: false, header: true, tty: io.stdoutIsTty, out: io.out, err: io.err }, error);
  }
  return exitCode;
}

/** A client, or a UsageError that names the option when the URL is not one. */
function clientFor(options: ClientOptions): ResourceConnections {
  try {
    return new ResourceConnections(options);
  } catch (error) {
    if (error instanceof InvalidRequestError) throw new UsageError(`--url (or RC_URL): ${error.message}`);
    throw error;
  }
}

/** Runs the CLI as a process: its arguments, its streams, its exit code. */
export async function main(): Promise<void> {
  process.exitCode = await run(process.argv.slice(2), {
    env: process.env,
    stdoutIsTty: process.stdout.isTTY === true,
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  });
}
