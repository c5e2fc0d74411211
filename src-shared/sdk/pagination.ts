/**
 * Every list answers one page; `iterate` walks all of them as an async iterator. It follows the
 * keyset cursor the server gives (`next_cursor` in seed 000's envelope, `nextCursor` in seed
 * 003's) until it is null, and only for an answer without one falls back to page numbers.
 */
export interface AnyPage<T> {
  items: T[];
  page?: number;
  limit?: number;
  total?: number;
  next_cursor?: string | null;
  nextCursor?: string | null;
}

export type PageQuery = Record<string, string | number | boolean | undefined | null>;

export async function* paginate<T>(fetchPage: (query: PageQuery) => Promise<AnyPage<T>>, query: PageQuery = {}): AsyncGenerator<T> {
  // With a cursor the server ignores `page`: leave it out so each request says what it asks.
  const { page: _page, ...withoutPage } = query;
  let next: PageQuery = { ...query };
  for (;;) {
    const page = await fetchPage(next);
    for (const item of page.items) yield item;
    if (page.items.length === 0) return;
    const cursor = page.next_cursor !== undefined ? page.next_cursor : page.nextCursor;
    if (cursor !== undefined) {
      if (cursor === null) return;
      next = { ...withoutPage, cursor };
      continue;
    }
    const number = page.page ?? Number(next.page ?? 1);
    const limit = page.limit ?? page.items.length;
    if (page.total !== undefined && number * limit >= page.total) return;
    next = { ...next, page: number + 1 };
  }
}
