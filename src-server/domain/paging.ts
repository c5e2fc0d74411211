/**
 * The list envelope every list endpoint answers: one page of rows, a keyset cursor to the next
 * page, and the total only when asked for.
 *
 * - **Keyset cursors.** A list is ordered by its sort keys (ending in the id, so the order is
 *   total); `next_cursor` holds the keys of the page's last row, and the next page starts right
 *   after it (`key < last` in SQL), so page 50 costs what page 1 costs, where `OFFSET` walks
 *   and discards every earlier row. Rows inserted or changed meanwhile never make a walk repeat
 *   or skip a row that stayed in place. `page` keeps working (OFFSET) for clients that use it.
 * - **COUNT on request.** `total` is a COUNT over every match (as costly as reading them), so
 *   it is computed only for `include_total=true` (`includeTotal=true` in seed 003's facade).
 *
 * Portable SQL (plain comparisons, no row values) for SQLite and PostgreSQL alike.
 */
import type { Expression, ExpressionBuilder, SelectQueryBuilder } from 'kysely';
import type { Page, PageRequest } from '../../src-shared/schemas/common';
import type { Placeholders, TemplateValues } from '../db/query-templates';
import { ApiError } from '../http/api-error';
import { literalLimit } from '../db/literal-limit';

export type KeyValue = string | number | null;

/** One sort key of a list: what it orders by, which way, and its value in a fetched row. */
export interface SortKey<R> {
  /** a column reference (`'calls.started_at'`) or an expression (sql`case ... end`) */
  by: string | Expression<unknown>;
  dir?: 'asc' | 'desc';
  /**
   * The key's value in a row. A key that can be NULL must follow a key that already separates
   * the NULL rows from the rest (tasks: "undated last", then the due date): SQLite and
   * PostgreSQL sort NULLs at opposite ends, so NULLs must never be compared with values.
   */
  of: (row: R) => KeyValue;
}

/** The same filters counting rows: `.select((eb) => eb.fn.countAll().as('total'))`. */
interface CountQuery {
  executeTakeFirstOrThrow(): Promise<{ total: unknown }>;
}

export interface PageSpec<R, T> {
  /** names the list in its cursors, so one list's cursor is refused by another */
  list: string;
  /** the filtered row query, not yet ordered: the order comes from `keys` */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any table set: the keys are applied generically
  rows: SelectQueryBuilder<any, any, R>;
  /** the same filters, counting (run only when the total is asked for) */
  count: () => CountQuery;
  keys: SortKey<R>[];
  query: PageRequest;
  map: (row: R) => T;
}

export function invalidCursor(): ApiError {
  return new ApiError('BAD_REQUEST', 'invalid query parameters', {
    cursor: 'not a cursor this list issued: pass next_cursor back exactly as received, with the same filters',
  });
}

export function encodeCursor(list: string, values: KeyValue[]): string {
  return Buffer.from(JSON.stringify([list, ...values])).toString('base64url');
}

export function decodeCursor(list: string, cursor: string, keys: number): KeyValue[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(decoded) || decoded.length !== keys + 1 || decoded[0] !== list) throw invalidCursor();
  const values = decoded.slice(1) as unknown[];
  if (!values.every((v) => v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) {
    throw invalidCursor();
  }
  return values as KeyValue[];
}

/**
 * Rows strictly after the cursor in the keys' order: (k1 after v1) OR (k1 = v1 AND k2 after v2) ...
 * plus `k1 <= v1` (or `>=`) on its own, which the planner can use as an index range bound.
 * `valueAt(i)` is the cursor's i-th value (or its placeholder), null when the cursor holds NULL.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see PageSpec.rows
function after<R>(eb: ExpressionBuilder<any, any>, keys: SortKey<R>[], valueAt: (i: number) => unknown) {
  const ref = (k: SortKey<R>) => k.by as string;
  const branches = [];
  for (let i = 0; i < keys.length; i++) {
    const value = valueAt(i);
    // Nothing sorts after NULL within a group of NULLs (see SortKey.of).
    if (value === null || value === undefined) continue;
    const same = keys.slice(0, i).map((k, j) => {
      const earlier = valueAt(j);
      return earlier === null || earlier === undefined ? eb(ref(k), 'is', null) : eb(ref(k), '=', earlier);
    });
    branches.push(eb.and([...same, eb(ref(keys[i]!), keys[i]!.dir === 'desc' ? '<' : '>', value)]));
  }
  const first = valueAt(0);
  if (first === null || first === undefined) return eb.or(branches);
  return eb.and([eb(ref(keys[0]!), keys[0]!.dir === 'desc' ? '<=' : '>=', first), eb.or(branches)]);
}

export async function fetchPage<R, T>(spec: PageSpec<R, T>): Promise<Page<T>> {
  const { query, keys } = spec;
  let rows = spec.rows;
  for (const k of keys) rows = rows.orderBy(k.by as string, k.dir ?? 'asc');
  if (query.cursor) {
    const values = decodeCursor(spec.list, query.cursor, keys.length);
    rows = rows.where((eb) => after(eb, keys, (i) => values[i]));
  } else if (query.page > 1) {
    rows = rows.offset((query.page - 1) * query.limit);
  }
  // One row more than the page says whether there is a next page, without counting.
  const [found, counted] = await Promise.all([
    rows.limit(literalLimit(query.limit + 1)).execute(),
    query.include_total ? spec.count().executeTakeFirstOrThrow() : undefined,
  ]);
  const more = found.length > query.limit;
  const pageRows = more ? found.slice(0, query.limit) : found;
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(spec.map),
    page: query.page,
    limit: query.limit,
    ...(counted ? { total: Number(counted.total) } : {}),
    next_cursor: more && last !== undefined ? encodeCursor(spec.list, keys.map((k) => k.of(last))) : null,
  };
}

/**
 * The paging half of a templated list query (src-server/db/query-templates.ts): the values that
 * `orderedPage` binds. The cursor's NULLs are absent names, so they change the shape as they
 * change the SQL; `cursor` itself is a name, so a cursor of NULLs is not page 1.
 */
export function pageValues(list: string, keys: number, query: PageRequest): TemplateValues {
  const values: TemplateValues = { limit: query.limit + 1 };
  if (query.cursor) {
    values.cursor = true;
    decodeCursor(list, query.cursor, keys).forEach((value, i) => {
      if (value !== null) values[`after${i}`] = value;
    });
  } else if (query.page > 1) {
    values.offset = (query.page - 1) * query.limit;
  }
  return values;
}

/** Orders a templated row query by its keys, resumes after the cursor and limits it (one row more than a page). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see PageSpec.rows
export function orderedPage<Q extends SelectQueryBuilder<any, any, any>>(rows: Q, keys: SortKey<never>[], p: Placeholders): Q {
  let q = rows;
  for (const k of keys) q = q.orderBy(k.by as string, k.dir ?? 'asc') as Q;
  if (p.has('cursor')) q = q.where((eb) => after(eb, keys, (i) => (p.has(`after${i}`) ? p(`after${i}`) : null))) as Q;
  else if (p.has('offset')) q = q.offset(p<number>('offset')) as Q;
  return q.limit(literalLimit(p.literal('limit'))) as Q;
}

/** The envelope of a page from its fetched rows (one more than the page when there is a next one). */
export function pageFrom<T>(list: string, query: PageRequest, found: T[], cursorOf: (item: T) => KeyValue[], total?: number): Page<T> {
  const more = found.length > query.limit;
  const items = more ? found.slice(0, query.limit) : found;
  const last = items.at(-1);
  return {
    items,
    page: query.page,
    limit: query.limit,
    ...(total !== undefined ? { total } : {}),
    next_cursor: more && last !== undefined ? encodeCursor(list, cursorOf(last)) : null,
  };
}
