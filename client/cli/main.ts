/**
 * `resource-connections`: the CLI on the typed client. Global settings come from flags or from
 * RC_URL, RC_TOKEN, RC_PROJECT and RC_ENV; every command exits with a code from EXIT (output.ts).
 */
import { Command, CommanderError, Option } from 'commander';
import { ResourceConnections } from '../src/index.ts';
import { actIn, defineCommands, type Context } from './commands.ts';
import { defineGraphCommand } from './graph-command.ts';
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
    .addOption(new Option('--url <url>', 'the API (env RC_URL)').default(io.env.RC_URL || 'http://localhost:3000'))
    .addOption(new Option('--token <jwt>', 'bearer token (env RC_TOKEN)').default(io.env.RC_TOKEN))
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
    let client: ResourceConnections | undefined;
    return {
      output,
      get client() {
        if (!options.project || !options.env) {
          throw new UsageError('set the project and environment: --project and --env, or RC_PROJECT and RC_ENV');
        }
        client ??= new ResourceConnections({
          baseUrl: options.url,
          token: options.token,
          project: options.project,
          environment: options.env,
        });
        return client;
      },
      publicClient: () =>
        new ResourceConnections({ baseUrl: options.url, token: options.token, project: '-', environment: '-' }),
      exit: (code: number) => {
        exitCode = code;
      },
    };
  };

  const act = actIn(context);
  defineCommands(program, act);
  defineGraphCommand(program, act);

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

/** Runs the CLI as a process: its arguments, its streams, its exit code. */
export async function main(): Promise<void> {
  process.exitCode = await run(process.argv.slice(2), {
    env: process.env,
    stdoutIsTty: process.stdout.isTTY === true,
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  });
}
