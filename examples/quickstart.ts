import { ResourceConnections, isApiError } from '../client/src/index.ts';

const rc = new ResourceConnections({
  baseUrl: process.env.RC_URL ?? 'http://localhost:3000',
  token: async () => process.env.RC_TOKEN ?? '', // called before every request: refresh tokens here
  project: process.env.RC_PROJECT ?? 'acme',
  environment: process.env.RC_ENV ?? 'dev',
  retry: { attempts: 5, totalMs: 30_000, timeoutMs: 10_000 }, // the defaults
});

const link = {
  sourceResourceType: 'application',
  sourceResourceId: 'app-42',
  targetResourceType: 'instance',
  targetResourceId: 'i-0abc123',
} as const;
const created = await rc.connections.create({ ...link, details: { port: 8080 } }); // sends an Idempotency-Key
try {
  await rc.connections.create(link);
} catch (e) {
  if (isApiError(e, 'createConnection') && e.code === 'DUPLICATE_CONNECTION') {
    console.log(`already linked by ${e.existingConnectionId}`);
  } else throw e;
}
await rc.connections.update(created.id, { status: 'connecting' }, { ifMatch: created.version });
// Read-modify-write: re-read and re-applied when another writer got in first (412).
await rc.connections.modify(created.id, (c) => (c.status === 'connecting' ? { status: 'connected' } : undefined));
for await (const c of rc.connections.list({ targetResourceType: 'instance', status: 'connected' })) {
  console.log(`${c.id} ${c.sourceResourceType}/${c.sourceResourceId} ${c.status}`);
}
const around = await rc.graph.neighbourhood('instance', 'i-0abc123', { depth: 2, direction: 'both' });
for (const e of around.edges) console.log(`near i-0abc123: ${e.source} -> ${e.target} ${e.status}`);
const { deleted } = await rc.resources.cascade('instance', 'i-0abc123', {
  onProgress: (p) => console.log(`cascade: ${p.deleted} deleted after ${p.rounds} request(s)`),
});
console.log(`deleted ${deleted}`);
