/**
 * A query's LIMIT written into its SQL text instead of bound as a parameter.
 *
 * SQLite (3.4x, the one better-sqlite3 bundles) reads the value of a bound LIMIT while it plans
 * the statement, and so marks the statement to be parsed and planned again whenever that
 * parameter is bound: a cached statement with `limit ?` was prepared anew on every run. For the
 * calls list page that was a fifth of SQLite's time (141 µs against 111 µs with the same limit
 * written in; docs/BENCHMARKS.md, "LIMIT as a literal"). OFFSET is not read that way and stays
 * bound. A page size is a handful of values (the schemas bound it), so each one is a statement
 * of its own in the statement cache, prepared once. PostgreSQL takes the literal the same way.
 * Lint refuses a server `.limit(...)` or a sql`` `LIMIT ${...}` that does not go through here.
 */
import { sql, type RawBuilder } from 'kysely';

export function literalLimit(rows: number): RawBuilder<number> {
  // Written into SQL: only a plain count may get there.
  if (!Number.isSafeInteger(rows) || rows < 0) throw new Error(`a LIMIT must be a whole number of rows, not ${rows}`);
  return sql.lit(rows);
}
