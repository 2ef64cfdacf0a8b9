/**
 * How many shards each environment's index partitions are spread over (keys.ts). One item per
 * environment (`keys.shards`) holds the count; no item means one shard, so a new environment reads
 * each list page with one Query. The count doubles (1, 2, 4 … up to `Layout.shards.max`, never
 * fewer) when the environment passes `growthConnections` live connections per shard, or when
 * DynamoDB throttles one of its writes.
 *
 * Readers switch before writers. Each function trusts a count it read for `cacheMs`; the item says
 * from when writers may use a new count (`writersFrom`: when it grew, plus `cacheMs`, plus
 * `readWindowMs`, longer than any request runs), and until then they write under the old one, half
 * of it. So by the time an entry is written to a new shard, every reader queries that shard. With
 * power-of-two counts and `shard = hash mod count`, an entry written under the old count lies in
 * one of the new count's shards: nothing is re-keyed, and an entry moves to its new shard at its
 * next write.
 *
 * The live size without a counter: a counter item would take a write from every create and delete
 * of the environment, one hot key for an environment doing thousands of creates a second. Instead,
 * one create in `sizeCheckEvery` (picked by a hash of its id, so evenly spread) counts the live
 * entries of byEnvironment (a COUNT Query per shard, stopping at the threshold). The index is
 * always right (deletes and restores included), the count costs reads only, a fifth of the price
 * of writes, and checks grow rarer as the environment grows: about 0.2 RRU per create whatever its
 * size (docs/capacity.md).
 */
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Scope } from '#model/vocabulary.ts';
import { isDatabaseUnavailable, isThrottled } from './database-errors.ts';
import { keys, shardOf } from './keys.ts';
import { TABLE, type ShardGrowth } from './table-definition.ts';

/** How long a count is trusted, and how long a read that began under the old count may still run. */
export interface ShardTiming {
  readonly cacheMs: number;
  /** Longer than any function's timeout (29 s), with room for the functions' clocks to differ. */
  readonly readWindowMs: number;
}

export const SHARD_TIMING: ShardTiming = { cacheMs: 10_000, readWindowMs: 35_000 };

/** Size checks per doubling: a check comes at most a quarter of the threshold after it is passed. */
export const SIZE_CHECKS_PER_GROWTH = 4;

export interface ShardState {
  /** What readers query: every shard an entry of the environment may be in. */
  readonly count: number;
  /** Epoch ms from which writers use `count`; before, `count / 2`. */
  readonly writersFrom: number;
}

const ONE_SHARD: ShardState = { count: 1, writersFrom: 0 };

/** The count writers use at `now`. */
export const writersCount = (state: ShardState, now: number): number =>
  now >= state.writersFrom ? state.count : state.count / 2;

/** How many creates apart an environment of `count` shards checks its size. */
export const sizeCheckEvery = (growth: ShardGrowth, count: number): number =>
  Math.max(1, Math.floor((growth.growthConnections * count) / SIZE_CHECKS_PER_GROWTH));

/** Whether the create of `connectionId` checks its environment's size. */
export const checksSize = (connectionId: string, every: number): boolean =>
  shardOf(`size#${connectionId}`, every) === 0;

export interface ShardSource {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export class ShardDirectory {
  /** Counts read (or being read: concurrent requests share one read), by environment. */
  private readonly known = new Map<string, { state: Promise<ShardState>; until: number }>();

  constructor(
    private readonly source: ShardSource,
    readonly growth: ShardGrowth,
    readonly timing: ShardTiming = SHARD_TIMING,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The environment's count and since when writers use it: read, or as read less than `cacheMs` ago. */
  async state(scope: Scope): Promise<ShardState> {
    const key = cacheKey(scope);
    // Taken before the read: the count is trusted for `cacheMs` from before it was known.
    const now = this.clock();
    const cached = this.known.get(key);
    if (cached && now < cached.until) return cached.state;
    const state = this.read(scope);
    const entry = { state, until: now + this.timing.cacheMs };
    this.known.set(key, entry);
    // A read that failed is not kept: the next caller reads again.
    state.catch(() => this.known.get(key) === entry && this.known.delete(key));
    return state;
  }

  private async read(scope: Scope): Promise<ShardState> {
    const out = await this.source.client.send(
      new GetCommand({ TableName: this.source.tableName, Key: keys.shards(scope), ConsistentRead: true }),
    );
    return out.Item ? { count: Number(out.Item.shardCount), writersFrom: Number(out.Item.writersFrom) } : ONE_SHARD;
  }

  /** The count a read queries. */
  async readCount(scope: Scope): Promise<number> {
    return (await this.state(scope)).count;
  }

  /** The count a write puts its index entries under. */
  async writeCount(scope: Scope): Promise<number> {
    return writersCount(await this.state(scope), this.clock());
  }

  /**
   * Doubles the environment's shards, unless it is at the most, or its last growth has not reached
   * the writers yet (growing again then could let a writer use a count some reader has not seen).
   * A concurrent growth wins the condition; either way the next read of the count sees it.
   */
  async grow(scope: Scope, from: ShardState): Promise<void> {
    const now = this.clock();
    if (from.count >= this.growth.max || now < from.writersFrom) return;
    try {
      await this.source.client.send(
        new UpdateCommand({
          TableName: this.source.tableName,
          Key: keys.shards(scope),
          UpdateExpression: 'SET shardCount = :to, writersFrom = :writers, grownAt = :at',
          ConditionExpression:
            from.count === 1 ? 'attribute_not_exists(pk)' : 'shardCount = :from AND writersFrom <= :now',
          ExpressionAttributeValues: {
            ':to': from.count * 2,
            ':writers': now + this.timing.cacheMs + this.timing.readWindowMs,
            ':at': new Date(now).toISOString(),
            ...(from.count === 1 ? {} : { ':from': from.count, ':now': now }),
          },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
    this.forget(scope);
  }

  /** Drops the count known for the environment: its next request reads it again. */
  forget(scope: Scope): void {
    this.known.delete(cacheKey(scope));
  }

  /** After a create committed: one create in `sizeCheckEvery` counts the live connections, and grows past the threshold. */
  async afterCreate(scope: Scope, connectionId: string): Promise<void> {
    await this.bestEffort(async () => {
      const state = await this.state(scope);
      if (state.count >= this.growth.max || !checksSize(connectionId, sizeCheckEvery(this.growth, state.count))) return;
      const threshold = this.growth.growthConnections * state.count;
      if ((await this.countLive(scope, state.count, threshold + 1)) > threshold) await this.grow(scope, state);
    });
  }

  /** After DynamoDB throttled a write of the environment: more shards spread the next ones. */
  async afterThrottle(scope: Scope): Promise<void> {
    await this.bestEffort(async () => this.grow(scope, await this.state(scope)));
  }

  /** Live connections, counted in byEnvironment up to `enough` (its entries are keys and the row: ~0.5 KB). */
  private async countLive(scope: Scope, shardCount: number, enough: number): Promise<number> {
    const index = TABLE.indexes.byEnvironment;
    const counts = await Promise.all(
      keys.indexPartitions('byEnvironment', scope, 'LIVE', { shardCount }).map(async (partition) => {
        let counted = 0;
        let start: Record<string, unknown> | undefined;
        do {
          const out = await this.source.client.send(
            new QueryCommand({
              TableName: this.source.tableName,
              IndexName: index.indexName,
              KeyConditionExpression: '#pk = :pk',
              ExpressionAttributeNames: { '#pk': index.partitionKey },
              ExpressionAttributeValues: { ':pk': partition },
              Select: 'COUNT',
              Limit: enough - counted,
              ExclusiveStartKey: start,
            }),
          );
          counted += out.Count ?? 0;
          start = out.LastEvaluatedKey;
        } while (start && counted < enough);
        return counted;
      }),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  }

  /** Growth waits for a better moment when the database pushes back: the write that called it has committed (or failed) already. */
  private async bestEffort(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!isThrottled(error) && !isDatabaseUnavailable(error)) throw error;
    }
  }
}

const cacheKey = (scope: Scope): string => `${scope.projectSlug}#${scope.environmentSlug}`;
