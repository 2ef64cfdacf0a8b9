/**
 * One environment's mass status change through the partition model: every connection of a
 * platform-shaped environment, created through the API's own path (the repository's create: each
 * connection `pending`, with its deadline entry, history and pair guard), moved to `connecting` by
 * many callers at once, each of which, answered 503, waits the Retry-After (scaled like the
 * capacity) and tries again. Prints the end-to-end rate (every change over the whole run) and the
 * sustained one (between the 10th and the 90th percentile of completions), and checks that none is
 * lost or applied twice: every connection ends at version 2, connecting.
 */
import { ServiceUnavailableError } from '#model/errors.ts';
import type { Scope } from '#model/vocabulary.ts';
import { createDocumentClient } from '#store/client.ts';
import { isThrottled } from '#store/database-errors.ts';
import { keys } from '#store/keys.ts';
import { ConnectionRepository } from '#store/repository.ts';
import { attachPartitionModel, type ModelOptions } from '../testkit/partition-model.ts';
import { detailsOfSize, platformConnections } from './platform.ts';
import { seedItems } from '../testkit/seed.ts';
import type { Design } from './capacity-routes.ts';

export interface MassChange {
  readonly design: string;
  readonly connections: number;
  readonly shards: number;
  readonly table: ModelOptions['table'];
  /** Indexes the model charged: all of the design's, or all but byDeadline (to show what limits). */
  readonly indexes: string;
  readonly callers: number;
  readonly seconds: number;
  /** Changes per second over the whole run, first call to last answer. */
  readonly endToEnd: number;
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
  /** The environment's shard count, grown to it before the run (1: a new environment). */
  readonly shardCount: number;
  readonly table: ModelOptions['table'];
  /** Leave byDeadline out of the model: what the environment's own partitions sustain. */
  readonly withoutDeadlineIndex?: boolean;
}

export async function massChange(
  endpoint: string,
  tableName: string,
  secret: string,
  design: Design,
  settings: MassChangeSettings,
): Promise<MassChange> {
  const client = createDocumentClient(endpoint);
  const indexes = (design.indexes ?? ['bySource', 'byTarget', 'byStatus', 'byEnvironment', 'byDeadline']).filter(
    (index) => !settings.withoutDeadlineIndex || index !== 'byDeadline',
  );
  const model = attachPartitionModel(client, {
    projection: design.projection,
    indexes,
    writeUnitsPerSecond: settings.writeUnitsPerSecond,
    readUnitsPerSecond: settings.writeUnitsPerSecond * 3,
    table: settings.table,
  });
  model.throttling = false;
  const repo = new ConnectionRepository({ client, tableName, pageTokenSecret: secret, layout: design.layout });
  const scope: Scope = {
    projectSlug: 'mass',
    environmentSlug: `${design.name}-${settings.shardCount}-${settings.table}-${indexes.length}`.replace(
      /[^a-z0-9-]/g,
      '-',
    ),
  };
  // Grown long ago: its writers use the count already.
  if (settings.shardCount > 1) {
    await seedItems(client, tableName, [{ ...keys.shards(scope), shardCount: settings.shardCount, writersFrom: 0 }]);
  }
  const shape = platformConnections(scope, settings.servers, 1024);
  const details = detailsOfSize(1024);
  const ids: string[] = [];
  let made = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (made < shape.length) {
        const c = shape[made++]!;
        const input = {
          sourceResourceType: c.sourceResourceType,
          sourceResourceId: c.sourceResourceId,
          targetResourceType: c.targetResourceType,
          targetResourceId: c.targetResourceId,
          details,
        };
        ids.push((await repo.create({ scope, input, actor: 'platform' })).connection.id);
      }
    }),
  );
  model.throttling = true;
  model.reset();

  let next = 0;
  let answered503 = 0;
  const done: number[] = [];
  const started = performance.now();
  const caller = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
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
  for (const id of ids) {
    const now = await repo.get({ scope, id });
    if (now.version !== 2 || now.status !== 'connecting') lost++;
  }
  model.detach();
  client.destroy();
  done.sort((a, b) => a - b);
  const at = (p: number) => done[Math.floor((done.length - 1) * p)]!;
  const window = (at(0.9) - at(0.1)) / 1000;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    design: design.name,
    connections: ids.length,
    shards: settings.shardCount,
    table: settings.table,
    indexes: settings.withoutDeadlineIndex ? 'all but byDeadline' : 'all',
    callers: settings.callers,
    seconds: round(seconds),
    endToEnd: round(ids.length / seconds),
    sustained: round((done.length * 0.8) / window),
    answered503,
    throttledRequests,
    lost,
  };
}
