/**
 * Multi-row statements in parts: a push batch writes hundreds of rows per table, and one
 * statement per part keeps its bound parameters well inside SQLite's and PostgreSQL's limits.
 */
export const ROWS_PER_STATEMENT = 400;

export function chunked<T>(items: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
