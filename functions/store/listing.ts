/**
 * The one Query builder for lists and the graph. A page is read from one or more Queries
 * ("streams"), each a range of one index partition (one shard) or of the table, sorted by its sort
 * key. Two ways to make a page of them:
 *
 * - `merged` (lists): the streams are merged in sort-key order, so a list sharded over many
 *   partitions reads as one. A row may be answered once no stream can still hold a smaller one:
 *   every stream either has a row read, is used up, or has been read past it. Streams are read in
 *   parallel rounds, each for about its share of the page and one row more; a second round reads
 *   every stream that fell behind up to the page's last candidate, bounded by it. Rows read ahead
 *   of the page travel in its token, so no stored item is read twice across the pages of a list.
 * - `any` (graph pages, which promise no order): each stream is given a part of the page and read
 *   for exactly that, in parallel; a part a used-up stream could not fill goes to the others. Every
 *   row read is answered: a page examines exactly what it returns. Streams of a lower `group` are
 *   used up first (live connections before deleted ones).
 *
 * A filter the keys cannot express drops rows after they are read: the stream then reads on until
 * the page is full or the request has examined MAX_EXAMINED_PER_REQUEST items, and the page may be
 * short (or empty) with a token that goes on from where the reading stopped.
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { openPageToken, sealPageToken, type StreamPosition } from './page-token.ts';
import { TABLE, type IndexName, type KeySchema } from './table-definition.ts';

/** Stored items one request may examine (contract §5): bounds its time and read capacity. */
export const MAX_EXAMINED_PER_REQUEST = 1000;
/** A token stays well inside API Gateway's 10,240 bytes of request line and headers. */
export const MAX_TOKEN_CHARS = 4096;
/** Rows read ahead are answered only this long after they were read; an older token reads them again. */
export const READ_AHEAD_TTL_MS = 60_000;

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
  /** `any` pages use up lower groups first. @default 0 */
  readonly group?: number;
}

export interface PageRequest {
  readonly limit: number;
  readonly nextToken: string | undefined;
  /** Everything the token must be bound to: route, project, environment, layout and filters. */
  readonly binding: string;
  /** @default 'merged' */
  readonly order?: 'merged' | 'any';
  /** Attributes to return (a projection expression); all projected ones when absent. */
  readonly attributes?: readonly string[];
  /** Items the request may examine. @default MAX_EXAMINED_PER_REQUEST */
  readonly budget?: number;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken: string | null;
}

/** Each Query's figures, for the benchmarks' read-amplification budget. */
export interface QueryObserver {
  (stats: { scannedCount: number; count: number }): void;
}

export interface QuerySource {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Seals page tokens; unset in a function that does not page. */
  readonly pageTokenSecret?: string | undefined;
  readonly observe?: QueryObserver | undefined;
}

type Row = Record<string, unknown>;

/** A stream's reading state: `from` is the first sort key not read yet (null: from the start). */
interface State {
  readonly stream: Stream;
  from: string | null;
  done: boolean;
  rows: Row[];
  /** Rows it gave the previous page: its likely share of this one. */
  share: number;
  gave: number;
}

export async function queryPage(
  source: QuerySource,
  streams: readonly Stream[],
  request: PageRequest,
): Promise<Page<Row>> {
  const opened = request.nextToken
    ? openPageToken(request.nextToken, request.binding, streams.length, source.pageTokenSecret)
    : undefined;
  const fresh = opened !== undefined && Date.now() - opened.readAt <= READ_AHEAD_TTL_MS;
  const states: State[] = streams.map((stream, i) => {
    const p = opened?.streams[i];
    const state: State = {
      stream,
      from: p?.from ?? null,
      done: p?.done ?? false,
      rows: [...(p?.rows ?? [])],
      share: p?.share ?? -1,
      gave: 0,
    };
    if (!fresh) rewind(state, 0);
    return state;
  });
  const reader = new Reader(source, request);
  const items =
    request.order === 'any'
      ? await anyOrder(reader, states, request.limit)
      : await merged(reader, states, request.limit);

  if (states.every((s) => s.done && s.rows.length === 0)) return { items, nextToken: null };
  return { items, nextToken: seal(states, request.binding, source.pageTokenSecret) };
}

/** Reads ranges of streams within the request's budget of examined items. */
class Reader {
  private left: number;

  constructor(
    private readonly source: QuerySource,
    private readonly request: PageRequest,
  ) {
    this.left = request.budget ?? MAX_EXAMINED_PER_REQUEST;
  }

  /** Reads each stream for its want (capped by a fair part of the budget); false when the budget is spent. */
  async read(wants: readonly { state: State; want: number; bound?: string }[]): Promise<boolean> {
    const fair = Math.floor(this.left / wants.length);
    // Nothing left to read with (or, defensively, nothing to read): the page ends here.
    if (wants.length === 0 || fair < 1) return false;
    const examined = await Promise.all(
      wants.map(({ state, want, bound }) => this.fetch(state, Math.min(want, fair), bound)),
    );
    this.left -= examined.reduce((a, b) => a + b, 0);
    return true;
  }

  private async fetch(state: State, limit: number, bound: string | undefined): Promise<number> {
    const { stream } = state;
    const upper = bound ?? (stream.prefix ? `${stream.prefix}~` : undefined);
    const out = await queryRange(this.source, stream, {
      from: state.from,
      upper,
      limit,
      attributes: this.request.attributes,
    });
    state.rows.push(...out.rows);
    if (out.next !== undefined) state.from = out.next;
    else if (bound !== undefined) state.from = after(bound);
    else state.done = true;
    return out.scanned;
  }
}

/** Merged in sort-key order; see the top of this file. */
async function merged(reader: Reader, states: State[], limit: number): Promise<Row[]> {
  const items: Row[] = [];
  const open = () => states.filter((s) => !s.done);
  const parallel = open().length;
  // One row beyond its share tells a stream's next key; alone, a stream needs no such proof.
  const ahead = parallel > 1 ? 1 : 0;
  const first = open().flatMap((state) => {
    const share = state.share >= 0 ? state.share : Math.ceil(limit / parallel);
    const want = (share + ahead) * filtered(state) - state.rows.length;
    return want > 0 ? [{ state, want }] : [];
  });
  if (first.length > 0 && !(await reader.read(first))) return items;

  for (;;) {
    answerProven(states, items, limit);
    if (items.length === limit || states.every((s) => s.done && s.rows.length === 0)) return items;
    const room = limit - items.length;
    const candidates = states.flatMap((s) => s.rows.map((row) => sortKey(row, s.stream))).sort();
    // The page ends at or before its room-th candidate: every stream still behind it is read up to it.
    const bound = candidates.length >= room ? candidates[room - 1] : undefined;
    const wants =
      bound === undefined
        ? // Too few rows known to bound the page: every stream tops up to its share of what is left.
          open().flatMap((state) => {
            const want = (Math.ceil(room / open().length) + ahead) * filtered(state) - state.rows.length;
            return want > 0 || state.rows.length === 0 ? [{ state, want: Math.max(1, want) }] : [];
          })
        : open()
            .filter((state) => state.from === null || state.from <= bound)
            .map((state) => ({ state, want: room * filtered(state), bound }));
    if (!(await reader.read(wants))) return items;
  }
}

/** Answers rows while the smallest is proven: no stream that could still hold a smaller one is left unread. */
function answerProven(states: State[], items: Row[], limit: number): void {
  while (items.length < limit) {
    let best: State | undefined;
    let key = '';
    for (const s of states) {
      const head = s.rows[0] && sortKey(s.rows[0], s.stream);
      if (head !== undefined && (!best || head < key)) [best, key] = [s, head];
    }
    if (!best) return;
    if (states.some((s) => !s.done && s.rows.length === 0 && (s.from === null || s.from <= key))) return;
    items.push(best.rows.shift()!);
    best.gave++;
  }
}

/** Each stream read for its part of the page, every row answered; see the top of this file. */
async function anyOrder(reader: Reader, states: State[], limit: number): Promise<Row[]> {
  const items: Row[] = [];
  for (;;) {
    const room = limit - items.length;
    const open = states.filter((s) => !s.done);
    if (room === 0 || open.length === 0) return items;
    const group = Math.min(...open.map((s) => s.stream.group ?? 0));
    const mine = open.filter((s) => (s.stream.group ?? 0) === group).slice(0, room);
    const wants = mine.map((state, i) => ({
      state,
      want: Math.floor(room / mine.length) + (i < room % mine.length ? 1 : 0),
    }));
    if (!(await reader.read(wants))) return items;
    for (const state of mine) items.push(...state.rows.splice(0));
  }
}

/** A filter drops rows after they are read: read a few times the rows wanted rather than trickle. */
const filtered = (state: State): number => (state.stream.filters.length > 0 ? 4 : 1);

/** The smallest sort key after `key`: no key character sorts below '!'. */
const after = (key: string): string => `${key}!`;

/** Makes the stream read `row` and everything after the `keep`th row again: those rows are not carried. */
function rewind(state: State, keep: number): void {
  const dropped = state.rows.splice(keep);
  if (dropped.length === 0) return;
  state.from = sortKey(dropped[0]!, state.stream);
  state.done = false;
}

function seal(states: State[], binding: string, secret: string | undefined): string {
  const positions = (): StreamPosition[] =>
    states.map((s) => ({
      from: s.from,
      done: s.done,
      rows: s.rows.map((row) => carried(row, s.stream)),
      share: s.gave,
    }));
  let token = sealPageToken({ streams: positions(), readAt: Date.now() }, binding, secret);
  // Too long for a URL: carry fewer rows (the latest first), and read those again later.
  while (token.length > MAX_TOKEN_CHARS) {
    const carrying = states.filter((s) => s.rows.length > 0);
    if (carrying.length === 0) break;
    for (const s of carrying) rewind(s, Math.floor(s.rows.length / 2));
    token = sealPageToken({ streams: positions(), readAt: Date.now() }, binding, secret);
  }
  return token;
}

const keySchema = (index: IndexName | undefined): KeySchema => (index ? TABLE.indexes[index] : TABLE);

/** A row as its token carries it: without the keys no reader of a row needs (its partition, the table's keys). */
function carried(row: Row, stream: Stream): Row {
  const dropped = new Set([
    keySchema(stream.index).partitionKey,
    ...(stream.index ? [TABLE.partitionKey, TABLE.sortKey] : []),
  ]);
  return Object.fromEntries(Object.entries(row).filter(([name]) => !dropped.has(name)));
}

/** A row's sort key in its stream. */
export const sortKey = (row: Row, stream: Stream): string => String(row[keySchema(stream.index).sortKey]);

export interface RangeRead {
  /** The first sort key to read (inclusive); null: the stream's start. */
  readonly from: string | null;
  /** The last sort key that may be read (inclusive); undefined: the partition's end. */
  readonly upper?: string | undefined;
  /** Items to examine at most. */
  readonly limit: number;
  readonly attributes?: readonly string[] | undefined;
}

/**
 * One Query of a stream's range: the rows that pass its filters, what it examined, and the first
 * sort key it did not reach (undefined: nothing is left up to `upper`). The neighbourhood pages a
 * node's range with it too.
 */
export async function queryRange(
  source: QuerySource,
  stream: Stream,
  { from, upper, limit, attributes }: RangeRead,
): Promise<{ rows: Row[]; scanned: number; next: string | undefined }> {
  const index = keySchema(stream.index);
  const lower = from ?? (stream.prefix || undefined);
  if (lower !== undefined && upper !== undefined && lower > upper) return { rows: [], scanned: 0, next: undefined };
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
    // The sort key comes back too: a stream goes on from its last row.
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
    next: last === undefined ? undefined : after(String(last)),
  };
}
