/**
 * The one Query builder for lists, the graph's pages and history: a page read from one or more
 * streams (each a key range of one index partition, one shard, or of the table) in rounds of
 * parallel Queries, as merge-plan.ts decides, and answered in sort-key order.
 *
 * Streams come in groups, read one after the other (the graph: live connections, then deleted
 * ones); the streams of a group share their key range. A token holds the group and the position
 * in it (every key up to it answered), and the last page's span (a guess for the next page's
 * bound): positions, never rows. Every page reads what it answers, so each connection shows as it
 * is when its page is read; and what a token holds only bounds Queries of the request's own
 * partitions, so no token, whoever made it, reaches another scope.
 *
 * A filter the keys cannot express drops rows after they are read: the stream then reads on until
 * the page is full or the request has examined MAX_EXAMINED_PER_REQUEST items, and the page may be
 * short (or empty) with a token that goes on from where the reading stopped.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvalidNextTokenError } from '#model/errors.ts';
import { keyAfter, endOf } from './key-space.ts';
import { planStep, type Read, type StreamView } from './merge-plan.ts';
import { openPageToken, sealPageToken, type PagePosition } from './page-token.ts';
import { queryRange, sortKey, type QueryObserver, type Row, type Stream } from './query-range.ts';

export type { Filter, QueryObserver, Stream } from './query-range.ts';

/** Stored items one request may examine (docs/api.md, Paging): bounds its time and read capacity. */
export const MAX_EXAMINED_PER_REQUEST = 1000;

export interface PageRequest {
  readonly limit: number;
  readonly nextToken: string | undefined;
  /** Everything the token must be bound to: route, project, environment and filters. */
  readonly binding: string;
  /** Attributes to return (a projection expression); all projected ones when absent. */
  readonly attributes?: readonly string[];
  /** Items the request may examine. @default MAX_EXAMINED_PER_REQUEST */
  readonly budget?: number;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken: string | null;
}

export interface QuerySource {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Seals page tokens; unset in a function that does not page. */
  readonly pageTokenSecret?: string | undefined;
  readonly observe?: QueryObserver | undefined;
}

const START: PagePosition = { group: 0, after: null };

/**
 * A page of the streams, or of the streams `streams()` answers once the token has opened (a token
 * that does not open is refused before anything is read).
 */
export async function queryPage(
  source: QuerySource,
  streams: readonly Stream[] | (() => Promise<readonly Stream[]>),
  request: PageRequest,
): Promise<Page<Row>> {
  let position = request.nextToken ? openPageToken(request.nextToken, request.binding, source.pageTokenSecret) : START;
  const groups = groupsOf(typeof streams === 'function' ? await streams() : streams);
  // A group this listing does not have: no token this code wrote.
  if (position.group >= groups.length) throw new InvalidNextTokenError();
  const items: Row[] = [];
  const budget = { left: request.budget ?? MAX_EXAMINED_PER_REQUEST };
  while (position.group < groups.length) {
    const room = request.limit - items.length;
    if (room === 0) break;
    const page = await readGroup(source, groups[position.group]!, position, { room, budget, request });
    items.push(...page.rows);
    if (page.position !== null) {
      const from = page.rows.length > 0 ? sortKey(page.rows[0]!, groups[position.group]![0]!) : null;
      position = { group: position.group, after: page.position, span: { from, rows: page.rows.length } };
      break;
    }
    position = { group: position.group + 1, after: null };
  }
  if (position.group >= groups.length) return { items, nextToken: null };
  return { items, nextToken: sealPageToken(position, request.binding, source.pageTokenSecret) };
}

/** The streams by group, in group order; each group's streams share one prefix. */
function groupsOf(streams: readonly Stream[]): Stream[][] {
  const numbers = [...new Set(streams.map((s) => s.group ?? 0))].sort((a, b) => a - b);
  return numbers.map((n) => streams.filter((s) => (s.group ?? 0) === n));
}

interface StreamState {
  frontier: string | null;
  done: boolean;
  rows: Row[];
}

/** One group's part of a page: its rows in key order, and the position after them (null: the group is used up). */
async function readGroup(
  source: QuerySource,
  streams: readonly Stream[],
  position: PagePosition,
  { room, budget, request }: { room: number; budget: { left: number }; request: PageRequest },
): Promise<{ rows: Row[]; position: string | null }> {
  const prefix = streams[0]!.prefix;
  const states: StreamState[] = streams.map(() => ({ frontier: null, done: false, rows: [] }));
  for (let round = 0; ; round++) {
    const step = planStep({
      round,
      after: position.after,
      prefix,
      limit: room,
      streams: states.map((state, i): StreamView => ({
        frontier: state.frontier,
        done: state.done,
        kept: state.rows.map((row) => sortKey(row, streams[i]!)),
        filtered: streams[i]!.filters.length > 0,
      })),
      span: position.span,
      budget: budget.left,
    });
    if (step.kind === 'answer') return { rows: firstRows(states, streams, step.count), position: step.position };
    await Promise.all(
      step.reads.map((read) => fetch(source, streams, states[read.stream]!, read, position, budget, request)),
    );
  }
}

async function fetch(
  source: QuerySource,
  streams: readonly Stream[],
  state: StreamState,
  read: Read & { stream: number },
  position: PagePosition,
  budget: { left: number },
  request: PageRequest,
): Promise<void> {
  const stream = streams[read.stream]!;
  const from = state.frontier ?? position.after;
  const upper = read.upper ?? endOf(stream.prefix);
  const out = await queryRange(source, stream, {
    from: from === null ? null : keyAfter(from),
    upper,
    limit: read.limit,
    attributes: request.attributes,
  });
  budget.left -= out.scanned;
  state.rows.push(...out.rows);
  if (out.last !== undefined) state.frontier = out.last;
  else {
    state.frontier = upper;
    state.done = read.upper === undefined || upper >= endOf(stream.prefix);
  }
}

/** The first `count` rows of all streams in key order, each key once. */
function firstRows(states: readonly StreamState[], streams: readonly Stream[], count: number): Row[] {
  const byKey = new Map<string, Row>();
  states.forEach((state, i) => {
    for (const row of state.rows) {
      const key = sortKey(row, streams[i]!);
      if (!byKey.has(key)) byKey.set(key, row);
    }
  });
  return [...byKey.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, count)
    .map((key) => byKey.get(key)!);
}
