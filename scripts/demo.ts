/**
 * `npm run demo -- --project acme --env demo --connections 2000`: fills an environment with demo data
 * for the topology page, through the HTTP API (so every connection has its history and events):
 * servers with four applications, SSH, a firewall and a database each, bucket explorers with a bucket
 * and a website; most connected, some pending or connecting, a few failed or disconnected, each
 * moved there one PATCH at a time. Connections already there are left as they are, so a second run
 * adds nothing. Against the local server it mints its own token; anywhere else give one.
 */
import { parseArgs } from 'node:util';
import { isApiError, ResourceConnections, STATUSES, type CreateConnection, type Status } from '../client/src/index.ts';
import { mintToken } from '../local/jwt.ts';
import { DEFAULT_JWT_SECRET } from '../local/server.ts';
import { topologySeed } from '../testkit/topology-data.ts';

const USAGE = `usage: npm run demo -- [--project <slug>] [--env <slug>] [--connections <n>] [options]

Fills an environment with a realistic mix of connections through the API, then prints the
topology page's link.

  --project <slug>      the project (default RC_PROJECT, else acme)
  --env <slug>          the environment (default RC_ENV, else demo)
  --connections <n>     how many connections, 1-100000 (default 2000)
  --concurrency <n>     connections in flight at once, 1-64 (default 8)
  --url <url>           the API (default RC_URL, else http://localhost:3000)
  --token <jwt>         a token granted read and write there (default RC_TOKEN, else one minted
                        with LOCAL_JWT_SECRET, which only the local server accepts)
  -h, --help            print this`;

/** A connection that is left waiting keeps waiting for a week, so the picture stays as seeded. */
const WEEK = 604_800;
const FAILURES = [
  'security group rule missing',
  'database refused the credentials',
  'SSH key not authorized',
  'instance unreachable on its port',
];
const PORTS: Record<string, number> = { application: 8080, terminal: 22, database: 5432, firewall: 443 };

interface DemoStep {
  readonly create: CreateConnection;
  /** The PATCHes that take it from pending to where it ends, in order. */
  readonly moves: { status: Status; statusReason?: string; deadlineSeconds?: number }[];
}

/** The connections to make, in the shapes and mix of the topology page's test data. */
function demoPlan(count: number): DemoStep[] {
  return topologySeed(count).map((link, i) => {
    const [sourceResourceType, sourceResourceId] = link.source.split('/') as [string, string];
    const [targetResourceType, targetResourceId] = link.target.split('/') as [string, string];
    const statuses = link.statuses as Status[];
    const last = statuses.length - 1;
    const port = PORTS[sourceResourceType] ?? PORTS[targetResourceType];
    return {
      create: {
        sourceResourceType,
        sourceResourceId,
        targetResourceType,
        targetResourceId,
        details: { ...(port && { port }), seededBy: 'npm run demo' },
        ...(statuses.length === 0 && { deadlineSeconds: WEEK }),
      } as CreateConnection,
      moves: statuses.map((status, step) => ({
        status,
        ...(status === 'connecting' && { statusReason: 'provisioning' }),
        ...(status === 'failed' && { statusReason: FAILURES[i % FAILURES.length]! }),
        ...(status === 'disconnected' && { statusReason: 'instance stopped' }),
        ...(step === last && status === 'connecting' && { deadlineSeconds: WEEK }),
      })),
    };
  });
}

interface DemoResult {
  readonly created: number;
  readonly alreadyThere: number;
  /** Connections by the status they were left in (those already there are not counted). */
  readonly statuses: Record<string, number>;
  readonly seconds: number;
}

/** Makes the plan's connections, `concurrency` at a time; `progress` hears of each one done. */
async function fillEnvironment(
  client: ResourceConnections,
  plan: readonly DemoStep[],
  concurrency: number,
  progress: (done: number) => void = () => {},
): Promise<DemoResult> {
  const started = performance.now();
  const statuses: Record<string, number> = {};
  let created = 0;
  let next = 0;
  let done = 0;
  const make = async ({ create, moves }: DemoStep) => {
    let connection;
    try {
      connection = await client.connections.create(create);
    } catch (error) {
      if (isApiError(error, 'createConnection') && error.code === 'DUPLICATE_CONNECTION') return;
      throw error;
    }
    for (const move of moves) connection = await client.connections.update(connection.id, move);
    created++;
    statuses[connection.status] = (statuses[connection.status] ?? 0) + 1;
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < plan.length) {
        await make(plan[next++]!);
        progress(++done);
      }
    }),
  );
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  return { created, alreadyThere: plan.length - created, statuses, seconds };
}

class UsageError extends Error {}

const whole = (value: string, option: string, min: number, max: number): number => {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max))
    throw new UsageError(`${option} takes a whole number from ${min} to ${max}, not '${value}'`);
  return n;
};

function settings(args: string[], env: NodeJS.ProcessEnv) {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        project: { type: 'string', default: env.RC_PROJECT || 'acme' },
        env: { type: 'string', default: env.RC_ENV || 'demo' },
        connections: { type: 'string', default: '2000' },
        concurrency: { type: 'string', default: '8' },
        url: { type: 'string', default: env.RC_URL || 'http://localhost:3000' },
        token: { type: 'string', default: env.RC_TOKEN || undefined },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const secret = env.LOCAL_JWT_SECRET || DEFAULT_JWT_SECRET;
  const scope = { projects: [`${values.project}/${values.env}`] };
  return {
    project: values.project,
    environment: values.env,
    connections: whole(values.connections, '--connections', 1, 100_000),
    concurrency: whole(values.concurrency, '--concurrency', 1, 64),
    url: values.url.replace(/\/$/, ''),
    token: values.token ?? mintToken({ ...scope, subject: 'demo' }, secret),
    // A browser keeps every address it opened: the link's token only reads this environment, for an hour.
    pageToken: values.token
      ? undefined
      : mintToken({ ...scope, scopes: ['connections:read'], ttlSeconds: 3600 }, secret),
  };
}

async function main(args: string[]): Promise<void> {
  const demo = settings(args, process.env);
  const client = new ResourceConnections({
    baseUrl: demo.url,
    token: () => demo.token,
    project: demo.project,
    environment: demo.environment,
  });
  const where = `${demo.project}/${demo.environment} at ${demo.url}`;
  console.log(`demo: ${demo.connections} connections into ${where}, ${demo.concurrency} at a time`);
  let shown = 0;
  const result = await fillEnvironment(client, demoPlan(demo.connections), demo.concurrency, (done) => {
    // About every tenth, and the last.
    if (done === demo.connections || done - shown >= Math.max(1, Math.ceil(demo.connections / 10))) {
      shown = done;
      console.log(`demo: ${done}/${demo.connections}`);
    }
  });
  const mix = STATUSES.filter((status) => result.statuses[status])
    .map((status) => `${result.statuses[status]} ${status}`)
    .join(', ');
  const rate = result.created / Math.max(result.seconds, 0.1);
  console.log(
    `demo: created ${result.created} (${mix || 'none'}) in ${result.seconds} s, ${rate.toFixed(1)} per second; ${result.alreadyThere} already there`,
  );
  const fragment = `project=${demo.project}&env=${demo.environment}`;
  console.log(
    demo.pageToken
      ? `The topology page (its token only reads ${demo.project}/${demo.environment}, for 1 h):\n  ${demo.url}/topology#${fragment}&token=${demo.pageToken}`
      : `The topology page (give it your token):\n  ${demo.url}/topology#${fragment}`,
  );
}

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(USAGE);
} else {
  main(argv).catch((error: unknown) => {
    console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof UsageError) console.error('(npm run demo -- --help for usage)');
    process.exitCode = error instanceof UsageError ? 2 : 1;
  });
}
