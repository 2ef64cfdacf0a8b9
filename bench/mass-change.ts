/**
 * One environment's mass status change through the partition model: every connection of a
 * platform-shaped environment moved from pending to connecting by many callers at once, each of
 * which, answered 503, waits the Retry-After (scaled like the capacity) and tries again. Prints the
 * sustained changes per second (between the 10th and the 90th percentile of completions) and
 * checks that none is lost or applied twice: every connection ends at version 2, connecting.
 */
import { ServiceUnavailableError } from '#model/errors.ts';
import type { Scope } from '#model/vocabulary.ts';
import { createDocumentClient } from '#store/client.ts';
import { isThrottled } from '#store/database-errors.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { attachPartitionModel } from '../testkit/partition-model.ts';
import { platformConnections } from '../testkit/platform.ts';
import { seedConnections } from '../testkit/seed.ts';
import type { Design } from './capacity-routes.ts';

export interface MassChange {
  readonly design: string;
  readonly connections: number;
  readonly callers: number;
  readonly seconds: number;
  /** Completed changes per second between the 10th and 90th percentile of completion times. */
  readonly sustained: number;
  readonly answered503: number;
  readonly throttledRequests: number;
  readonly lost: number;
}

export interface MassChangeSettings {
  readonly servers: number;
  readonly callers: number;
  /** Seconds of Retry-After a caller waits, per second the service says (the capacity's scale). */
  readonly retryScale: number;
  readonly writeUnitsPerSecond: number;
}

export async function massChange(
  endpoint: string,
  tableName: string,
  secret: string,
  design: Design,
  settings: MassChangeSettings,
): Promise<MassChange> {
  const client = createDocumentClient(endpoint);
  const model = attachPartitionModel(client, {
    projection: design.projection,
    indexes: design.indexes,
    writeUnitsPerSecond: settings.writeUnitsPerSecond,
    readUnitsPerSecond: settings.writeUnitsPerSecond * 3,
  });
  model.throttling = false;
  const repo = new ConnectionRepository({ client, tableName, pageTokenSecret: secret, layout: design.layout });
  const scope: Scope = { projectSlug: 'mass', environmentSlug: design.name.replace(/[^a-z0-9-]/g, '-') };
  const connections = platformConnections(scope, settings.servers, 1024);
  await seedConnections(client, tableName, connections, design.layout);
  model.throttling = true;
  model.reset();

  let next = 0;
  let answered503 = 0;
  const done: number[] = [];
  const started = performance.now();
  const caller = async () => {
    while (next < connections.length) {
      const { id } = connections[next++]!;
      for (;;) {
        try {
          await repo.update({ scope, id, patch: { status: 'connecting' }, actor: 'deployer' });
          done.push(performance.now() - started);
          break;
        } catch (error) {
          if (!(error instanceof ServiceUnavailableError) && !isThrottled(error)) throw error;
          answered503++;
          const seconds = error instanceof ServiceUnavailableError ? error.retryAfterSeconds : 1 + Math.random() * 2;
          await new Promise((resolve) => setTimeout(resolve, seconds * 1000 * settings.retryScale));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: settings.callers }, caller));
  const seconds = (performance.now() - started) / 1000;
  model.throttling = false;
  const throttledRequests = model.charges.filter((c) => c.throttled).length;

  let lost = 0;
  for (const c of connections) {
    const now = await repo.get({ scope, id: c.id });
    if (now.version !== 2 || now.status !== 'connecting') lost++;
  }
  model.detach();
  client.destroy();
  done.sort((a, b) => a - b);
  const at = (p: number) => done[Math.floor((done.length - 1) * p)]!;
  const window = (at(0.9) - at(0.1)) / 1000;
  return {
    design: design.name,
    connections: connections.length,
    callers: settings.callers,
    seconds: Math.round(seconds * 10) / 10,
    sustained: Math.round(((done.length * 0.8) / window) * 10) / 10,
    answered503,
    throttledRequests,
    lost,
  };
}
