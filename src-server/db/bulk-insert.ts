/**
 * Multi-row inserts written as SQL text directly. A push batch inserts hundreds of rows per
 * table; Kysely builds and freezes an operation node per value and compiles the tree on every
 * execution, which for a batch's created calls, audit entries and change rows cost about a
 * third as much as SQLite spent storing them (a profile of a 10,000-mutation drain). The text
 * depends only on the table, the column list and the row count, so the statement cache
 * (statement-cache.ts) prepares each shape once.
 *
 * Same meaning as Kysely's `insertInto(table).values(rows)`: the columns are every key that has
 * a value in some row, and a row without one gets the column's default (PostgreSQL's DEFAULT;
 * SQLite has no DEFAULT in VALUES and gets NULL, as from Kysely). Values are bound parameters,
 * never text; table and column names come from our code, quoted as identifiers.
 */
import { CompiledQuery, type Insertable, type Kysely, type Transaction } from 'kysely';
import { chunked } from './chunks';
import { isPostgres } from './dialect';
import type { Database } from './schema';

export interface InsertOptions {
  /** skip rows that would break a unique constraint (ON CONFLICT DO NOTHING) */
  ignoreConflicts?: boolean;
  /** columns to read back from the inserted rows, in insertion order */
  returning?: readonly string[];
}

const quoted = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a column or table name of ours: ${name}`);
  return `"${name}"`;
};

export async function insertRows<T extends keyof Database & string, R = Record<string, unknown>>(
  db: Kysely<Database> | Transaction<Database>,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  options: InsertOptions = {},
): Promise<R[]> {
  if (!rows.length) return [];
  const postgres = isPostgres(db);
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row).filter((k) => (row as Record<string, unknown>)[k] !== undefined)))];
  const head = `insert into ${quoted(table)} (${columns.map(quoted).join(', ')}) values `;
  const tail = `${options.ignoreConflicts ? ' on conflict do nothing' : ''}${options.returning ? ` returning ${options.returning.map(quoted).join(', ')}` : ''}`;
  const out: R[] = [];
  for (const part of chunked(rows, Math.max(1, Math.floor(ROW_PARAMETERS / columns.length)))) {
    const parameters: unknown[] = [];
    const tuples = part.map((row) => {
      const values = columns.map((column) => {
        const value = (row as Record<string, unknown>)[column];
        if (value === undefined) return postgres ? 'default' : 'null';
        parameters.push(value);
        return postgres ? `$${parameters.length}` : '?';
      });
      return `(${values.join(', ')})`;
    });
    const result = await db.executeQuery<R>(CompiledQuery.raw(head + tuples.join(', ') + tail, parameters));
    out.push(...result.rows);
  }
  return out;
}

/** bound parameters per statement: well inside SQLite's 32,766 and PostgreSQL's 65,535 */
const ROW_PARAMETERS = 8_000;
