/** The list envelope every list endpoint answers: one page of rows and the total, fetched side by side. */
import type { Page, PageQuery } from '../../src-shared/schemas/common';

/** A list's filtered, ordered row query, before paging (a Kysely select builder). */
interface RowQuery<R> {
  limit(limit: number): { offset(offset: number): { execute(): Promise<R[]> } };
}

/** The same filters counting rows: `.select((eb) => eb.fn.countAll().as('total'))`. */
interface CountQuery {
  executeTakeFirstOrThrow(): Promise<{ total: unknown }>;
}

export async function fetchPage<R, T>(rows: RowQuery<R>, count: CountQuery, query: PageQuery, map: (row: R) => T): Promise<Page<T>> {
  const [items, counted] = await Promise.all([
    rows.limit(query.limit).offset((query.page - 1) * query.limit).execute(),
    count.executeTakeFirstOrThrow(),
  ]);
  return { items: items.map(map), page: query.page, limit: query.limit, total: Number(counted.total) };
}
