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

export function withStatementCache(sqlite: SQLite.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare: (sql: string) => {
      let stmt = cache.get(sql);
      if (stmt) {
        // Map keeps insertion order: re-inserting marks it most recently used.
        cache.delete(sql);
      } else {
        stmt = sqlite.prepare(sql) as unknown as SqliteStatement;
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}
