/**
 * How a page is made from its streams (each a range of one index partition, sorted by sort key):
 * pure decisions over what has been read so far; listing.ts sends the reads they ask for.
 *
 * A page starts after its position (every key up to it was answered on earlier pages) and answers
 * the next `limit` keys of all streams together, in key order. A key may be answered once no
 * stream can still hold a smaller one: every open stream has been read up to it (its frontier).
 * The position is the one thing a token carries: it holds for any set of streams over the same
 * key range, so a page still reads right after the environment gained shards or an entry moved
 * between them.
 *
 * The reads: one open stream reads what the page still needs, no more. Several are read in rounds
 * of parallel Queries up to a common bound. Once the streams have shown `limit` keys, the
 * `limit`-th of them bounds the last round: everything up to it read, the page is settled. Before
 * that, the bound is guessed from the keys seen (this page's, or the last page's span, which the
 * token carries; key-space.ts): a bounded Query examines nothing past its bound, so a guess that
 * falls short costs a round, never rows. Without a guess (a first page; keys bunched where a
 * guess found nothing, GUESSED_ROUNDS times), each stream reads a part of its share, unbounded;
 * with two streams or fewer, each reads the whole page, which settles it in one round.
 */
import { keyAlong, endOf } from './key-space.ts';

/** Aim each bounded round this far past what the page needs: a round short of it costs another. */
export const BOUND_AIM = 1.1;
/** With no guess yet, each of many streams first reads this share of its part of the page. */
export const FIRST_ROUND_FRACTION = 0.5;
/** Rounds of a page whose bound may be guessed; after them, the keys read settle it. */
export const GUESSED_ROUNDS = 2;
/** Streams few enough that each reads the whole page at once when there is no guess. */
export const FEW_STREAMS = 2;
/** A bounded read examines at most this many times its even share of what the page needs (and one more). */
export const BOUNDED_SHARE_CAP = 3;
/** A filter drops rows after they are read: a filtered stream reads this many times the rows it needs. */
export const FILTERED_READ_FACTOR = 4;

export interface StreamView {
  /** Everything of the stream up to this key has been read this page; null: nothing yet. */
  readonly frontier: string | null;
  /** Nothing of the stream's range is left after `frontier`. */
  readonly done: boolean;
  /** Sort keys of the rows read this page that passed its filters, ascending. */
  readonly kept: readonly string[];
  readonly filtered: boolean;
}

/** The last page's extent: it answered `rows` rows, the first at `from`, the last at the position. */
export interface Span {
  readonly from: string | null;
  readonly rows: number;
}

export interface PageView {
  /** Every key up to this one was answered; null: the range's start. */
  readonly after: string | null;
  /** The sort-key prefix every stream of the page reads ('' for a whole partition). */
  readonly prefix: string;
  /** Rows the page still answers. */
  readonly limit: number;
  readonly streams: readonly StreamView[];
  readonly span?: Span | undefined;
  /** Items the request may still examine. */
  readonly budget: number;
  /** Rounds of reads this page has sent. */
  readonly round: number;
}

export interface Read {
  readonly stream: number;
  /** Items to examine at most. */
  readonly limit: number;
  /** The last key to read; unset: the range's end. */
  readonly upper?: string | undefined;
}

export type Step =
  | {
      readonly kind: 'answer';
      /** The first `count` keys of the page, in key order, are its rows. */
      readonly count: number;
      /** The position after the page; null when nothing is left. */
      readonly position: string | null;
    }
  | { readonly kind: 'read'; readonly reads: readonly Read[] };

/** Every key kept so far, merged, each once (a resource connected to itself is in both of its streams). */
export function mergedKeys(streams: readonly StreamView[]): string[] {
  return [...new Set(streams.flatMap((s) => s.kept))].sort(compare);
}

/** What to do next: answer the page, or read more. */
export function planStep(view: PageView): Step {
  const start = view.after ?? view.prefix;
  const open = view.streams.flatMap((s, i) => (s.done ? [] : [i]));
  // The largest key every open stream has been read up to.
  const proven = open.length === 0 ? endOf(view.prefix) : minKey(open.map((i) => view.streams[i]!.frontier ?? start));
  const keys = mergedKeys(view.streams);
  const answerable = keys.filter((key) => key <= proven);
  if (answerable.length >= view.limit) {
    return { kind: 'answer', count: view.limit, position: answerable[view.limit - 1]! };
  }
  if (open.length === 0) return { kind: 'answer', count: answerable.length, position: null };

  const reads = chooseReads(view, open, start, proven, answerable);
  const each = Math.floor(view.budget / reads.length);
  // The request's budget of examined items is spent: a short page, resumed after what was read.
  if (each < 1) return { kind: 'answer', count: answerable.length, position: proven };
  return { kind: 'read', reads: reads.map((read) => ({ ...read, limit: Math.min(read.limit, each) })) };
}

function chooseReads(
  view: PageView,
  open: readonly number[],
  start: string,
  proven: string,
  answerable: readonly string[],
): Read[] {
  const need = view.limit - answerable.length;
  const factor = (i: number) => (view.streams[i]!.filtered ? FILTERED_READ_FACTOR : 1);
  // Alone, a stream proves its own rows: what the page needs is exactly what to read.
  if (open.length === 1) return [{ stream: open[0]!, limit: need * factor(open[0]!) }];
  const keys = mergedKeys(view.streams);
  // The page ends at or before its limit-th key: reading every stream up to it settles the page.
  const settling = keys.length >= view.limit ? keys[view.limit - 1] : undefined;
  const bound = settling ?? (view.round < GUESSED_ROUNDS ? guessBound(view, start, proven, answerable) : undefined);
  if (bound === undefined) {
    const part = view.round === 0 ? FIRST_ROUND_FRACTION : 1;
    const share = open.length <= FEW_STREAMS ? need : Math.max(1, Math.floor((need * part) / open.length));
    return open.map((stream) => ({ stream, limit: share * factor(stream) }));
  }
  if (settling !== undefined) {
    return open
      .filter((i) => (view.streams[i]!.frontier ?? start) < settling)
      .map((stream) => ({ stream, limit: need * factor(stream), upper: settling }));
  }
  // A guess far off (keys bunched where it thought them spread) reads at most a few shares per stream.
  const cap = Math.min(need, Math.ceil((need * BOUNDED_SHARE_CAP) / open.length) + 1);
  return open
    .filter((i) => (view.streams[i]!.frontier ?? start) < bound)
    .map((stream) => ({ stream, limit: cap * factor(stream), upper: bound }));
}

/**
 * A key past `proven` up to which the streams together likely hold BOUND_AIM times the page: the
 * spacing of the keys this page has proven, else that of the last page (its span), carried on.
 * Undefined without either, or when the guess would not pass `proven`.
 */
export function guessBound(view: PageView, start: string, proven: string, keys: readonly string[]): string | undefined {
  const wanted = view.limit * BOUND_AIM;
  const have = keys.length;
  let bound: string | undefined;
  if (view.after !== null && proven > start) {
    // Nothing proven yet past a range read: the keys there are not spread as guessed; read a sample.
    if (have > 0) bound = extend(start, proven, have, wanted - have);
  } else if (have >= 2 && proven > keys[0]!) {
    bound = extend(keys[0]!, proven, have - 1, wanted - have);
  } else if (view.span && view.span.from !== null && view.after !== null && view.span.rows >= 2) {
    if (view.span.from < view.after) bound = extend(view.span.from, view.after, view.span.rows - 1, wanted);
  }
  if (bound === undefined || bound <= proven) return undefined;
  const end = endOf(view.prefix);
  return bound < end ? bound : end;

  /** The key `more` spacings past `to`, a spacing being the distance from `from` to `to` over `intervals`. */
  function extend(from: string, to: string, intervals: number, more: number): string {
    return keyAlong(from, to, 1 + more / intervals, view.prefix);
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const minKey = (list: readonly string[]): string => list.reduce((a, b) => (b < a ? b : a));
