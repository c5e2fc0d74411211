/**
 * Kysely's SQLite driver prepares every statement again on every execution (its connection
 * calls `db.prepare(sql)` each time). Preparing costs about as much as running a small query
 * (a profile of a calls list page: ~15% of the request in `prepare`), so the driver gets a
 * database whose `prepare` hands back the statement made the last time for the same text.
 *
 * Safe because the driver runs one statement at a time on SQLite's single connection and
 * never keeps one iterating across calls; SQLite re-prepares a cached statement by itself if
 * the schema changed underneath it. Bounded: queries whose text varies (an `IN` list of any
 * length) would otherwise grow the cache for ever; the least recently used one goes first.
 */
import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export const STATEMENT_CACHE_SIZE = 500;

/**
 * SQL that starts with this comment answers its rows as arrays of column values in select
 * order instead of objects. better-sqlite3 builds an object per row one property at a time,
 * which for a page of 50 calls cost about half as much again as SQLite finding and reading
 * the rows; the caller then builds its own object once. PostgreSQL ignores the comment (its
 * rows stay objects), so a reader of such a query must accept both.
 */
export const ARRAY_ROWS = '/* rows as arrays */ ';

export function withStatementCache(sqlite: SQLite.Database, size = STATEMENT_CACHE_SIZE, onClose?: () => void): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      onClose?.();
      cache.clear();
      sqlite.close();
    },
    prepare: (sql: string) => {
      let stmt = cache.get(sql);
      if (stmt) {
        // Map keeps insertion order: re-inserting marks it most recently used.
        cache.delete(sql);
      } else {
        const prepared = sqlite.prepare(sql);
        if (sql.startsWith(ARRAY_ROWS)) prepared.raw(true);
        stmt = prepared as unknown as SqliteStatement;
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}
