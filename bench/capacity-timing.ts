/**
 * A list page's latency on DynamoDB Local, two designs paired in one run: an environment of 20
 * connections in each, the pages read alternately (before, after, before, …) so that the machine's
 * load falls on both alike. Medians in milliseconds, and their ratio.
 */
import type { Scope } from '#model/vocabulary.ts';
import { createDocumentClient } from '#store/client.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { platformConnections } from './platform.ts';
import { seedConnections } from '../testkit/seed.ts';
import type { Design } from './capacity-routes.ts';
import { median } from './report.ts';

export interface PairedLatency {
  readonly connections: number;
  readonly samples: number;
  readonly beforeMs: number;
  readonly afterMs: number;
  readonly ratio: number;
}

export async function pairedListLatency(
  endpoint: string,
  tableName: string,
  secret: string,
  [before, after]: readonly [Design, Design],
  samples: number,
): Promise<PairedLatency> {
  const client = createDocumentClient(endpoint);
  const repos = [before, after].map((design) => {
    const scope: Scope = { projectSlug: 'timing', environmentSlug: design.name.replace(/[^a-z0-9-]/g, '-') };
    const repo = new ConnectionRepository({ client, tableName, pageTokenSecret: secret, layout: design.layout });
    return { design, scope, repo, ms: [] as number[] };
  });
  for (const { design, scope } of repos) {
    await seedConnections(client, tableName, platformConnections(scope, 3, 32, 'connected').slice(0, 20), {
      layout: design.layout,
    });
  }
  // Warm both: the SDK's connections and each function's shard count.
  for (let i = 0; i < 20; i++) for (const { scope, repo } of repos) await repo.list({ scope, query: {} });
  for (let i = 0; i < samples; i++) {
    for (const entry of i % 2 ? [...repos].reverse() : repos) {
      const started = performance.now();
      await entry.repo.list({ scope: entry.scope, query: {} });
      entry.ms.push(performance.now() - started);
    }
  }
  client.destroy();
  const [b, a] = repos.map((r) => median(r.ms));
  return { connections: 20, samples, beforeMs: b!, afterMs: a!, ratio: a! / b! };
}
