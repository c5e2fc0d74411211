/**
 * The sync pull reads its pages' rows as arrays and builds the objects itself
 * (src-server/db/array-rows.ts): the objects must be exactly those Kysely answers for the same
 * query, column names (aliases included) and values alike, and a name that is not a plain column
 * name is refused (the names become the object literal's keys).
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { readRows, rowReader } from '../../src-server/db/array-rows';
import { connectDatabase } from '../../src-server/db/connection';

// The server's own SQLite stack (statement cache included), on a throwaway in-memory store.
const db = connectDatabase(':memory:');
afterAll(() => db.destroy());

describe('rows read as arrays', () => {
  it('builds the same objects Kysely answers, aliases included', async () => {
    await sql`CREATE TABLE t (id text primary key, n integer, note text, owner text)`.execute(db);
    await sql`INSERT INTO t VALUES ('a', 1, 'x', 'u1'), ('b', null, 'it''s', null)`.execute(db);
    const query = db
      .selectFrom('t' as never)
      .select(sql<string>`id`.as('id'))
      .select(sql<number | null>`n`.as('n'))
      .select(sql<string>`note`.as('note'))
      .select(sql<string | null>`owner`.as('owner_id'))
      .orderBy(sql`id`);
    const reader = rowReader<{ id: string; n: number | null; note: string; owner_id: string | null }>(['id', 'n', 'note', 'owner_id']);
    const rows = await readRows(db, query, reader);
    expect(rows).toEqual(await query.execute());
    expect(rows).toEqual([
      { id: 'a', n: 1, note: 'x', owner_id: 'u1' },
      { id: 'b', n: null, note: "it's", owner_id: null },
    ]);
    // the same statement again (now from the statement cache) answers the same
    expect(await readRows(db, query, reader)).toEqual(rows);
    expect(await readRows(db, query.where(sql`id`, '=', 'none'), reader)).toEqual([]);
  });

  it('refuses a name that is not a plain column name', () => {
    expect(() => rowReader(['id', 'x: 1, y'])).toThrow(/not a column name/);
    expect(() => rowReader(['__proto__ = 1; //'])).toThrow(/not a column name/);
    expect(() => rowReader(['id', '__proto__'])).toThrow(/not a column name/);
  });
});
