/**
 * Mints a local HS256 token: `npm run token -- --project acme --env dev`.
 * Options: --project (repeatable; default *), --env (default *), --scope read|write|all (default
 * all), --sub (default local-user), --ttl seconds (default 43200). Signs with LOCAL_JWT_SECRET.
 */
import { parseArgs } from 'node:util';
import { mintToken } from '../local/jwt.ts';
import { DEFAULT_JWT_SECRET } from '../local/server.ts';

const { values } = parseArgs({
  options: {
    project: { type: 'string', multiple: true },
    env: { type: 'string', default: '*' },
    scope: { type: 'string', default: 'all' },
    sub: { type: 'string', default: 'local-user' },
    ttl: { type: 'string', default: String(12 * 3600) },
  },
});

const scopes = {
  read: ['connections:read'],
  write: ['connections:write'],
  all: ['connections:read', 'connections:write'],
}[values.scope];
const ttlSeconds = Number(values.ttl);
if (!scopes || !Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
  console.error(
    'usage: npm run token -- [--project acme] [--env dev] [--scope read|write|all] [--sub user] [--ttl seconds]',
  );
  process.exit(2);
}
const projects = (values.project ?? ['*']).map((project) =>
  project === '*' ? '*' : values.env === '*' ? `${project}/*` : `${project}/${values.env}`,
);
console.log(
  mintToken({ subject: values.sub, projects, scopes, ttlSeconds }, process.env.LOCAL_JWT_SECRET || DEFAULT_JWT_SECRET),
);
