/**
 * Mints a token for the local server: `npm run token -- --project acme --env dev`. A token for every
 * project takes an explicit --all-projects, so a forgotten --project never grants more than meant.
 * Usage errors exit 2 with a line saying what is wrong (no stack trace); --help prints the usage.
 */
import { parseArgs } from 'node:util';
import { SLUG_PATTERN } from '#model/inputs.ts';
import { mintToken } from '../local/jwt.ts';
import { DEFAULT_JWT_SECRET } from '../local/server.ts';

const USAGE = `usage: npm run token -- --project <slug> [--project <slug>...] [--env <slug>] [options]
       npm run token -- --all-projects [options]

Prints a token for the local server (HS256, signed with LOCAL_JWT_SECRET, default ${DEFAULT_JWT_SECRET}).

  --project <slug>        a project the token may use; repeat for more (required unless --all-projects)
  --env <slug>            only this environment of each project (default: every environment)
  --all-projects          every project and environment, as the token npm start prints
  --scope read|write|all  connections:read, connections:write, or both (default all)
  --sub <user>            the subject, recorded as createdBy and updatedBy (default local-user)
  --ttl <seconds>         how long the token is valid (default 43200, 12 hours)
  -h, --help              print this`;

const SCOPES: Record<string, string[]> = {
  read: ['connections:read'],
  write: ['connections:write'],
  all: ['connections:read', 'connections:write'],
};

class UsageError extends Error {}

/** The token the arguments ask for, or a UsageError saying what is wrong with them. */
function tokenFor(args: string[], secret: string): string {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        project: { type: 'string', multiple: true },
        env: { type: 'string' },
        'all-projects': { type: 'boolean' },
        scope: { type: 'string', default: 'all' },
        sub: { type: 'string', default: 'local-user' },
        ttl: { type: 'string', default: String(12 * 3600) },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const projects = values.project ?? [];
  if (values['all-projects'] && (projects.length > 0 || values.env !== undefined)) {
    throw new UsageError('--all-projects grants every project and environment: leave out --project and --env');
  }
  if (!values['all-projects'] && projects.length === 0) {
    throw new UsageError('say which project: --project <slug> (or --all-projects for every one)');
  }
  for (const [option, slug] of [...projects.map((p) => ['--project', p]), ['--env', values.env]]) {
    if (slug !== undefined && !SLUG_PATTERN.test(slug)) {
      throw new UsageError(`${option} '${slug}' is not a slug: lowercase letters, digits and inner hyphens, 1-63`);
    }
  }
  const scopes = SCOPES[values.scope];
  if (!scopes) throw new UsageError(`--scope is read, write or all, not '${values.scope}'`);
  const ttlSeconds = /^\d+$/.test(values.ttl) ? Number(values.ttl) : NaN;
  if (!(ttlSeconds > 0)) throw new UsageError(`--ttl takes a whole number of seconds, not '${values.ttl}'`);
  const grants = values['all-projects'] ? ['*'] : projects.map((project) => `${project}/${values.env ?? '*'}`);
  return mintToken({ subject: values.sub, projects: grants, scopes, ttlSeconds }, secret);
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
} else {
  try {
    console.log(tokenFor(args, process.env.LOCAL_JWT_SECRET || DEFAULT_JWT_SECRET));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n(npm run token -- --help for usage)`);
    process.exitCode = 2;
  }
}
