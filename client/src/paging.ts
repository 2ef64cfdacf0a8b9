/**
 * Paged routes as async iterators. A page may be short or even empty while `nextToken` is not null
 * (docs/api.md, Paging: a request examines a bounded number of items), so only a null `nextToken` ends it.
 */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextToken: string | null;
}

/** Items, one by one, over every page; `.pages()` gives the pages themselves. */
export interface Paged<T, P = Page<T>> extends AsyncIterable<T> {
  pages(): AsyncIterable<P>;
  /** Every item, in order (mind the size of what you ask for). */
  toArray(): Promise<T[]>;
}

export function paged<T, P = Page<T>>(
  fetchPage: (nextToken: string | undefined) => Promise<P>,
  itemsOf: (page: P) => readonly T[],
  tokenOf: (page: P) => string | null | undefined,
): Paged<T, P> {
  async function* pages(): AsyncGenerator<P> {
    let token: string | undefined;
    do {
      const page = await fetchPage(token);
      yield page;
      token = tokenOf(page) ?? undefined;
    } while (token !== undefined);
  }
  async function* items(): AsyncGenerator<T> {
    for await (const page of pages()) yield* itemsOf(page);
  }
  return {
    [Symbol.asyncIterator]: items,
    pages,
    async toArray() {
      const all: T[] = [];
      for await (const item of items()) all.push(item);
      return all;
    },
  };
}

export const pagedItems = <T>(fetchPage: (nextToken: string | undefined) => Promise<Page<T>>): Paged<T> =>
  paged(
    fetchPage,
    (page) => page.items,
    (page) => page.nextToken,
  );
