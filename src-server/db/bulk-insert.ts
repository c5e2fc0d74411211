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
  // Every key with a value in some row, in first-seen order. Loops without an array per row: a
  // batch inserts hundreds of rows per table, and the arrays cost more than the statement's text.
  const seen = new Set<string>();
  const columns: string[] = [];
  for (const row of rows) {
    for (const key in row) {
      if ((row as Record<string, unknown>)[key] !== undefined && !seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  const head = `insert into ${quoted(table)} (${columns.map(quoted).join(', ')}) values `;
  const tail = `${options.ignoreConflicts ? ' on conflict do nothing' : ''}${options.returning ? ` returning ${options.returning.map(quoted).join(', ')}` : ''}`;
  const out: R[] = [];
  for (const part of chunked(rows, Math.max(1, Math.floor(ROW_PARAMETERS / columns.length)))) {
    const parameters: unknown[] = new Array(part.length * columns.length);
    let n = 0;
    for (const row of part) {
      for (let c = 0; c < columns.length; c++) {
        const value = (row as Record<string, unknown>)[columns[c]!];
        if (value !== undefined) parameters[n++] = value;
      }
    }
    const complete = n === parameters.length;
    parameters.length = n;
    // Rows with every column (a batch's created records, audit entries, change rows) share one
    // text per table, column list and row count: made once, as the statement cache prepares it once.
    const text = complete ? fullRowsText(postgres, head, tail, columns.length, part.length) : partialRowsText(postgres, head, tail, columns, part);
    const result = await db.executeQuery<R>(CompiledQuery.raw(text, parameters));
    out.push(...result.rows);
  }
  return out;
}

const fullTexts = new Map<string, string>();

function fullRowsText(postgres: boolean, head: string, tail: string, columns: number, rows: number): string {
  const key = `${postgres}|${head}|${tail}|${rows}`;
  let text = fullTexts.get(key);
  if (text === undefined) {
    let n = 0;
    const tuple = () => `(${Array.from({ length: columns }, () => (postgres ? `$${++n}` : '?')).join(', ')})`;
    text = head + Array.from({ length: rows }, tuple).join(', ') + tail;
    if (fullTexts.size >= 1_000) fullTexts.clear(); // shapes come from our code: few; bounded all the same
    fullTexts.set(key, text);
  }
  return text;
}

function partialRowsText(postgres: boolean, head: string, tail: string, columns: string[], rows: readonly object[]): string {
  let n = 0;
  const tuples = rows.map((row) => {
    const values = columns.map((column) => {
      if ((row as Record<string, unknown>)[column] === undefined) return postgres ? 'default' : 'null';
      return postgres ? `$${++n}` : '?';
    });
    return `(${values.join(', ')})`;
  });
  return head + tuples.join(', ') + tail;
}

/** bound parameters per statement: well inside SQLite's 32,766 and PostgreSQL's 65,535 */
const ROW_PARAMETERS = 8_000;
