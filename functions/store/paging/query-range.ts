/**
 * One Query of one stream's key range: what pages (listing.ts) and neighbourhoods read with. A
 * stream is a range of one index partition (one shard) or of the table, sorted by its sort key.
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { TABLE, type IndexName, type KeySchema } from '../table-definition.ts';

export type Row = Record<string, unknown>;

export interface Filter {
  readonly attribute: string;
  readonly value: string;
}

export interface Stream {
  /** The index to query; absent for the table itself. */
  readonly index?: IndexName;
  readonly partition: string;
  /** Sort-key prefix (a range of whole segments); '' for the whole partition. */
  readonly prefix: string;
  /** Equality conditions the key cannot express; they cost reads, so plans keep them rare. */
  readonly filters: readonly Filter[];
  /** Pages read lower groups first, each to its end. @default 0 */
  readonly group?: number;
}

/** Each Query's figures, for the benchmarks' read-amplification budget. */
export interface QueryObserver {
  (stats: { scannedCount: number; count: number }): void;
}

export interface RangeSource {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly observe?: QueryObserver | undefined;
}

export interface RangeRead {
  /** The first sort key to read (inclusive); null: the stream's start. */
  readonly from: string | null;
  /** The last sort key that may be read (inclusive); undefined: the partition's end. */
  readonly upper?: string | undefined;
  /** Items to examine at most. */
  readonly limit: number;
  readonly attributes?: readonly string[] | undefined;
}

const keySchema = (index: IndexName | undefined): KeySchema => (index ? TABLE.indexes[index] : TABLE);

/** A row's sort key in its stream. */
export const sortKey = (row: Row, stream: Stream): string => String(row[keySchema(stream.index).sortKey]);

/**
 * The rows that pass the stream's filters, what the Query examined, and the last sort key it
 * examined when it stopped before `upper` (undefined: nothing is left up to `upper`).
 */
export async function queryRange(
  source: RangeSource,
  stream: Stream,
  { from, upper, limit, attributes }: RangeRead,
): Promise<{ rows: Row[]; scanned: number; last: string | undefined }> {
  const index = keySchema(stream.index);
  // Never below the stream's prefix, whatever position it is given: a range holds its prefix's keys only.
  const lower = from !== null && from > stream.prefix ? from : stream.prefix || undefined;
  if (lower !== undefined && upper !== undefined && lower > upper) return { rows: [], scanned: 0, last: undefined };
  const names: Record<string, string> = { '#pk': index.partitionKey };
  const values: Record<string, unknown> = { ':pk': stream.partition };
  let keyCondition = '#pk = :pk';
  if (lower !== undefined || upper !== undefined) names['#sk'] = index.sortKey;
  if (lower !== undefined) values[':lo'] = lower;
  if (upper !== undefined) values[':hi'] = upper;
  if (lower !== undefined && upper !== undefined) keyCondition += ' AND #sk BETWEEN :lo AND :hi';
  else if (lower !== undefined) keyCondition += ' AND #sk >= :lo';
  else if (upper !== undefined) keyCondition += ' AND #sk <= :hi';
  const input: QueryCommandInput = {
    TableName: source.tableName,
    // Index reads are eventually consistent; table reads (a connection's history) need not be.
    ...(stream.index ? { IndexName: TABLE.indexes[stream.index].indexName } : { ConsistentRead: true }),
    KeyConditionExpression: keyCondition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    // Limit caps the items examined, not the items returned: it keeps the request within its budget.
    Limit: limit,
  };
  if (attributes) {
    // The sort key comes back too: a page orders and positions by it.
    const projected = [...new Set([...attributes, index.sortKey])];
    projected.forEach((attribute, i) => (names[`#a${i}`] = attribute));
    input.ProjectionExpression = projected.map((_, i) => `#a${i}`).join(', ');
  }
  if (stream.filters.length) {
    input.FilterExpression = stream.filters
      .map((f, i) => {
        names[`#f${i}`] = f.attribute;
        values[`:f${i}`] = f.value;
        return `#f${i} = :f${i}`;
      })
      .join(' AND ');
  }
  const out = await source.client.send(new QueryCommand(input));
  source.observe?.({ scannedCount: out.ScannedCount ?? 0, count: out.Count ?? 0 });
  const last = out.LastEvaluatedKey?.[index.sortKey];
  return {
    rows: out.Items ?? [],
    scanned: out.ScannedCount ?? out.Items?.length ?? 0,
    last: last === undefined ? undefined : String(last),
  };
}
