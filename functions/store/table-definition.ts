/**
 * The one definition of the connections table: keys, indexes (with their sharding and projections),
 * stream and TTL. The CDK stack, the local server and the tests all build the table from this
 * object, so it is plain data with no runtime imports.
 *
 * Every index that spans an environment is sharded: its partition key ends in one of the
 * environment's shards, so a large environment's writes spread over that many partitions (DynamoDB
 * serves at most 1,000 WCU/s per partition). An environment starts with one shard and doubles them
 * as it grows (shards.ts). `shardBy` says what picks the shard: the connection (its entries spread
 * evenly) or the resource the sort key starts with (one resource's connections stay together).
 * Adding an index is one entry here and one key builder in keys.ts; a sparse index simply has no
 * key attributes on the items it leaves out.
 */

export interface KeySchema {
  readonly partitionKey: string;
  readonly sortKey: string;
}

export interface IndexDefinition extends KeySchema {
  readonly indexName: string;
  /**
   * For an environment-wide index, what picks an entry's shard: the connection id, or the resource
   * its sort key starts with. Absent for an index whose keys are built apart (byDeadline).
   */
  readonly shardBy?: 'connection' | 'source' | 'target';
  /** What an entry holds besides the keys. @default the row attributes, `TABLE.projection` */
  readonly projection?: 'KEYS_ONLY';
}

/**
 * What a list row shows, without `details` (kept apart, see connection-item.ts): the indexes
 * project only these, so a status change rewrites small entries, never the caller's details.
 */
export const ROW_ATTRIBUTES = [
  'id',
  'projectSlug',
  'environmentSlug',
  'sourceResourceType',
  'sourceResourceId',
  'targetResourceType',
  'targetResourceId',
  'status',
  'statusReason',
  'statusDeadline',
  'createdAt',
  'updatedAt',
  'createdBy',
  'updatedBy',
  'version',
  'deletedAt',
  // Small details travel with the row; larger ones are named by the version that wrote them.
  'detailsJson',
  'detailsVersion',
  // A deleted connection's end of retention: readers leave out a row past it (connection-item.ts).
  'expiresAt',
] as const;

export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /**
   * `details` up to this many bytes of JSON stay in the connection item (and so in index rows);
   * larger ones live in a sibling item that only a change of details writes.
   */
  inlineDetailsBytes: 200,
  indexes: {
    bySource: { indexName: 'bySource', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', shardBy: 'source' },
    byTarget: { indexName: 'byTarget', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', shardBy: 'target' },
    byStatus: { indexName: 'byStatus', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', shardBy: 'connection' },
    byEnvironment: { indexName: 'byEnvironment', partitionKey: 'gsi4pk', sortKey: 'gsi4sk', shardBy: 'connection' },
    /**
     * Sparse: only live connections with a deadline (pending, connecting) have its keys, sharded
     * across the whole table by connection (keys.ts `DEADLINE_SHARDS`), sorted by deadline. The
     * deadline sweep reads it and then each due connection itself, so its entries hold the keys
     * alone: a few hundred bytes, one write unit each.
     */
    byDeadline: { indexName: 'byDeadline', partitionKey: 'gsi5pk', sortKey: 'gsi5sk', projection: 'KEYS_ONLY' },
  },
  /** Every index projects the row attributes (INCLUDE): 17 of DynamoDB's 100 per table, each. */
  projection: ROW_ATTRIBUTES,
  stream: 'NEW_AND_OLD_IMAGES',
  timeToLiveAttribute: 'expiresAt',
} as const satisfies KeySchema & {
  inlineDetailsBytes: number;
  indexes: Record<string, IndexDefinition>;
  projection: readonly string[];
  stream: string;
  timeToLiveAttribute: string;
};

export type IndexName = keyof typeof TABLE.indexes;

/** The indexes that spread each environment over its shards: what lists and the graph read. */
export type EnvironmentIndexName = {
  [N in IndexName]: (typeof TABLE.indexes)[N] extends { shardBy: string } ? N : never;
}[IndexName];

export const ENVIRONMENT_INDEX_NAMES = (Object.keys(TABLE.indexes) as IndexName[]).filter(
  (name): name is EnvironmentIndexName => (TABLE.indexes[name] as IndexDefinition).shardBy !== undefined,
);

/** What an index's entries hold besides their keys: the row attributes, or (byDeadline) nothing. */
export function projectionOf(index: IndexDefinition): { type: 'INCLUDE' | 'KEYS_ONLY'; attributes: readonly string[] } {
  return index.projection === 'KEYS_ONLY'
    ? { type: 'KEYS_ONLY', attributes: [] }
    : { type: 'INCLUDE', attributes: TABLE.projection };
}

/** Every key attribute is a string. */
export const KEY_ATTRIBUTES: readonly string[] = [
  TABLE.partitionKey,
  TABLE.sortKey,
  ...Object.values(TABLE.indexes).flatMap((index) => [index.partitionKey, index.sortKey]),
];

/**
 * How an environment's shards grow: it starts with one and doubles them, never shrinking, when it
 * passes `growthConnections` live connections per shard or when DynamoDB throttles its writes, up
 * to `max`. Stack settings (`shardGrowthConnections`, `maxShards`) and, locally, the variables
 * SHARD_GROWTH_CONNECTIONS and MAX_SHARDS.
 */
export interface ShardGrowth {
  /** A power of two, at most MAX_SHARD_LIMIT. */
  readonly max: number;
  readonly growthConnections: number;
}

export const DEFAULT_SHARD_GROWTH: ShardGrowth = { max: 32, growthConnections: 1000 };
/** The most shards any setting may ask for: partition keys end in two digits. */
export const MAX_SHARD_LIMIT = 64;

/**
 * How the store lays out a table: how shards grow and where details go. The defaults are the table
 * above; benchmarks build the design of before (one shard, details always in the item) from the
 * same code to compare.
 */
export interface Layout {
  readonly shards: ShardGrowth;
  readonly inlineDetailsBytes: number;
}

export const DEFAULT_LAYOUT: Layout = { shards: DEFAULT_SHARD_GROWTH, inlineDetailsBytes: TABLE.inlineDetailsBytes };
