/**
 * Reads a query's rows as objects built in JavaScript from arrays. better-sqlite3 builds an
 * object per row one property at a time through V8's API; asked for arrays (ARRAY_ROWS) and
 * turned into objects by a function made once per column list, a 5,000-row page of calls cost
 * half as much (docs/BENCHMARKS.md, the pull section). PostgreSQL ignores the marker and answers
 * objects already, keyed by the same names.
 */
import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import { ARRAY_ROWS } from './statement-cache';

export interface RowReader<R> {
  /** the names of the query's columns, in select order */
  columns: readonly string[];
  /** one array row as an object with those names */
  build: (values: unknown[]) => R;
}

/** A Kysely instance or transaction. */
interface Executor {
  executeQuery<T>(query: CompiledQuery<T>): Promise<QueryResult<T>>;
}

/** A reader for rows whose columns are these names, in this order. */
export function rowReader<R>(columns: readonly string[]): RowReader<R> {
  // `__proto__: v` in a literal would set the prototype, not a property
  if (columns.some((c) => !/^[a-z_][a-z0-9_]*$/.test(c) || c === '__proto__')) throw new Error(`rowReader: not a column name in ${columns.join(', ')}`);
  // One object literal per row (a fixed shape V8 builds at once), from names checked above.
  const build = new Function('v', `return { ${columns.map((c, i) => `${c}: v[${i}]`).join(', ')} };`) as (values: unknown[]) => R;
  return { columns, build };
}

/** Runs the query and answers its rows as objects (the query must select exactly reader.columns). */
export async function readRows<R>(db: Executor, query: Compilable<unknown>, reader: RowReader<R>): Promise<R[]> {
  const compiled = query.compile();
  const { rows } = await db.executeQuery<unknown>({ ...compiled, sql: ARRAY_ROWS + compiled.sql });
  if (!rows.length || !Array.isArray(rows[0])) return rows as R[];
  return (rows as unknown[][]).map(reader.build);
}
