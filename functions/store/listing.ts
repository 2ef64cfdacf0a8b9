/**
 * Lists as merged query streams. A list is one or more Queries ("streams") on the table's indexes,
 * each sorted by its sort key; a page merges them in key order. Live and deleted connections sit in
 * different partitions, so `includeDeleted` adds streams instead of making default lists read more,
 * and the connections of a resource are its source-side and target-side streams, queried in
 * parallel. A stream reads only what it needs to fill the page; a filter that drops items makes it
 * read on until the page is full or the request has examined MAX_EXAMINED_PER_REQUEST items: then
 * the page is short (or empty) and its token goes on from where the reading stopped.
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { openPageToken, sealPageToken, type StreamKey, type StreamPosition } from './page-token.ts';
import { TABLE, type IndexName, type KeySchema } from './table-definition.ts';

/** Stored items one request may examine (contract §5): bounds its time and read capacity. */
export const MAX_EXAMINED_PER_REQUEST = 1000;

export interface Filter {
  readonly attribute: string;
  readonly value: string;
}

export interface Stream {
  /** The index to query; absent for the table itself. */
  readonly index?: IndexName;
  readonly partition: string;
  /** Sort-key prefix (begins_with); '' for the whole partition. */
  readonly prefix: string;
  /** Equality conditions the key cannot express; they cost reads, so plans keep them rare. */
  readonly filters: readonly Filter[];
}

export interface PageRequest {
  readonly limit: number;
  readonly nextToken: string | undefined;
  /** Everything the token must be bound to: route, project, environment and filters. */
  readonly binding: string;
  /** Items the request may examine. @default MAX_EXAMINED_PER_REQUEST */
  readonly budget?: number;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken: string | null;
}

/** Each fetch also returns the DynamoDB figures, for the benchmarks' read-amplification budget. */
export interface QueryObserver {
  (stats: { scannedCount: number; count: number }): void;
}

interface StreamState {
  readonly stream: Stream;
  /** Everything up to here has been emitted or filtered out. */
  consumed: StreamKey | null;
  buffer: Record<string, unknown>[];
  /** Where the next fetch starts; undefined once DynamoDB has nothing more. */
  next: StreamKey | null | undefined;
}

export async function queryPage<T>(
  client: DynamoDBDocumentClient,
  tableName: string,
  streams: readonly Stream[],
  request: PageRequest,
  secret: string,
  map: (item: Record<string, unknown>) => T,
  observe?: QueryObserver,
): Promise<Page<T>> {
  const start: StreamPosition[] = request.nextToken
    ? openPageToken(request.nextToken, request.binding, streams.length, secret)
    : streams.map(() => null);

  const states: StreamState[] = streams.map((stream, i) => {
    const position = start[i] ?? null;
    return position === true
      ? { stream, consumed: null, buffer: [], next: undefined }
      : { stream, consumed: position, buffer: [], next: position };
  });
  const isDone = (s: StreamState) => s.buffer.length === 0 && s.next === undefined;

  const items: Record<string, unknown>[] = [];
  let budget = request.budget ?? MAX_EXAMINED_PER_REQUEST;
  while (items.length < request.limit) {
    const hungry = states.filter((s) => s.buffer.length === 0 && s.next !== undefined);
    if (hungry.length > 0) {
      // Streams are merged in key order, so none may go on while one waits for a read: with the
      // budget spent, the page ends here and the token resumes every stream where it stands.
      const share = Math.floor(budget / hungry.length);
      if (share < 1) break;
      const need = request.limit - items.length;
      const examined = await Promise.all(hungry.map((s) => fetch(client, tableName, s, need, share, observe)));
      budget -= examined.reduce((a, b) => a + b, 0);
      continue;
    }
    const ready = states.filter((s) => s.buffer.length > 0);
    if (ready.length === 0) break;
    const first = ready.reduce((a, b) => (sortValue(b) < sortValue(a) ? b : a));
    const item = first.buffer.shift()!;
    items.push(item);
    first.consumed = keyOf(item, first.stream.index);
    if (first.buffer.length === 0 && first.next !== undefined) first.consumed = first.next;
  }

  const more = !states.every(isDone);
  const nextToken = more
    ? sealPageToken(
        states.map((s) => (isDone(s) ? true : s.consumed)),
        request.binding,
        secret,
      )
    : null;
  return { items: items.map(map), nextToken };
}

async function fetch(
  client: DynamoDBDocumentClient,
  tableName: string,
  state: StreamState,
  need: number,
  budget: number,
  observe?: QueryObserver,
): Promise<number> {
  const { stream } = state;
  const index = keySchema(stream.index);
  const names: Record<string, string> = { '#pk': index.partitionKey };
  const values: Record<string, unknown> = { ':pk': stream.partition };
  let keyCondition = '#pk = :pk';
  if (stream.prefix) {
    names['#sk'] = index.sortKey;
    values[':prefix'] = stream.prefix;
    keyCondition += ' AND begins_with(#sk, :prefix)';
  }
  const input: QueryCommandInput = {
    TableName: tableName,
    // Index reads are eventually consistent; table reads (a connection's history) need not be.
    ...(stream.index ? { IndexName: TABLE.indexes[stream.index].indexName } : { ConsistentRead: true }),
    KeyConditionExpression: keyCondition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    // A filter drops items after they are read: read a few pages' worth at once rather than trickle.
    // Limit caps the items examined, not the items returned: it keeps the request within its budget.
    Limit: Math.min(stream.filters.length ? need * 4 : need, budget),
    ...(state.next ? { ExclusiveStartKey: state.next } : {}),
  };
  if (stream.filters.length) {
    input.FilterExpression = stream.filters
      .map((f, i) => {
        names[`#f${i}`] = f.attribute;
        values[`:f${i}`] = f.value;
        return `#f${i} = :f${i}`;
      })
      .join(' AND ');
  }
  const out = await client.send(new QueryCommand(input));
  observe?.({ scannedCount: out.ScannedCount ?? 0, count: out.Count ?? 0 });
  state.buffer = out.Items ?? [];
  state.next = (out.LastEvaluatedKey as StreamKey | undefined) ?? undefined;
  // Items read and filtered out count as consumed, so the next page starts past them.
  if (state.buffer.length === 0 && state.next !== undefined) state.consumed = state.next;
  return out.ScannedCount ?? state.buffer.length;
}

/** Streams are merged on their sort key past the shared prefix: the connection id, or resource id then connection id. */
function sortValue(state: StreamState): string {
  const index = keySchema(state.stream.index);
  const head = state.buffer[0]!;
  return String(head[index.sortKey]).slice(state.stream.prefix.length);
}

const keySchema = (index: IndexName | undefined): KeySchema => (index ? TABLE.indexes[index] : TABLE);

function keyOf(item: Record<string, unknown>, indexName: IndexName | undefined): StreamKey {
  const index = keySchema(indexName);
  const key: StreamKey = {};
  for (const attribute of new Set([TABLE.partitionKey, TABLE.sortKey, index.partitionKey, index.sortKey])) {
    key[attribute] = String(item[attribute]);
  }
  return key;
}
