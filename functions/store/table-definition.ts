/**
 * The one definition of the connections table: keys, indexes, stream and TTL. The CDK stack, the
 * local server and the tests all build the table from this object, so it is plain data with no
 * runtime imports.
 */

export interface KeySchema {
  readonly partitionKey: string;
  readonly sortKey: string;
}

export interface IndexDefinition extends KeySchema {
  readonly indexName: string;
  /** What an entry holds besides the keys. @default 'ALL' */
  readonly projection?: 'ALL' | 'KEYS_ONLY';
}

export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** The list indexes project all attributes: a list page is one Query with no follow-up reads. */
  indexes: {
    bySource: { indexName: 'bySource', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    byTarget: { indexName: 'byTarget', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    byStatus: { indexName: 'byStatus', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    byEnvironment: { indexName: 'byEnvironment', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
    /**
     * Sparse: only live connections with a deadline (pending, connecting) have its keys, sharded
     * across the whole table by connection, sorted by deadline. The deadline sweep reads it and then
     * each due connection itself, so its entries hold the keys alone: a few hundred bytes, one
     * write unit each.
     */
    byDeadline: { indexName: 'byDeadline', partitionKey: 'gsi5pk', sortKey: 'gsi5sk', projection: 'KEYS_ONLY' },
  },
  stream: 'NEW_AND_OLD_IMAGES',
  timeToLiveAttribute: 'expiresAt',
} as const satisfies KeySchema & {
  indexes: Record<string, IndexDefinition>;
  stream: string;
  timeToLiveAttribute: string;
};

export type IndexName = keyof typeof TABLE.indexes;

/** Every key attribute is a string. */
export const KEY_ATTRIBUTES: readonly string[] = [
  TABLE.partitionKey,
  TABLE.sortKey,
  ...Object.values(TABLE.indexes).flatMap((index) => [index.partitionKey, index.sortKey]),
];
