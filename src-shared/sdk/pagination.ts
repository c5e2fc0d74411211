/**
 * Every list answers one page; `iterate` walks all of them as an async iterator. It follows a
 * `next_cursor` when the server gives one (keyset pages), else asks for the next page number
 * until the total is reached.
 */
export interface AnyPage<T> {
  items: T[];
  page?: number;
  limit?: number;
  total?: number;
  next_cursor?: string | null;
}

export type PageQuery = Record<string, string | number | boolean | undefined | null>;

export async function* paginate<T>(fetchPage: (query: PageQuery) => Promise<AnyPage<T>>, query: PageQuery = {}): AsyncGenerator<T> {
  let next: PageQuery = { ...query };
  for (;;) {
    const page = await fetchPage(next);
    for (const item of page.items) yield item;
    if (page.items.length === 0) return;
    if (page.next_cursor !== undefined) {
      if (page.next_cursor === null) return;
      next = { ...query, cursor: page.next_cursor };
      continue;
    }
    const number = page.page ?? Number(next.page ?? 1);
    const limit = page.limit ?? page.items.length;
    if (page.total !== undefined && number * limit >= page.total) return;
    next = { ...next, page: number + 1 };
  }
}
