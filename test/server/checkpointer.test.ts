/**
 * The SQLite store's WAL is checkpointed by a worker thread (src-server/db/checkpointer.ts), not
 * by whichever request's commit takes the log past SQLite's threshold. What a caller can see:
 * committed pages reach the database file shortly after the commit, with no further write and
 * the log far below the threshold at which the request thread would checkpoint by itself.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKSTOP_CHECKPOINT_PAGES } from '../../src-server/db/checkpointer';
import { connectDatabase } from '../../src-server/db/connection';

let dir: string;
let db: Kysely<{ notes: { id: number; body: string } }>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oncall-checkpointer-'));
  db = connectDatabase(join(dir, 'api.sqlite')) as unknown as typeof db;
  await db.schema.createTable('notes').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('body', 'text').execute();
});

afterAll(async () => {
  await db?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('WAL checkpoints', () => {
  it('copy committed pages into the database file by themselves, long before the backstop', async () => {
    const file = join(dir, 'api.sqlite');
    const before = statSync(file).size;
    // ~400 KB: about 100 pages of log, a fortieth of the backstop.
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < 100; i++) await trx.insertInto('notes').values({ id: i, body: 'x'.repeat(4000) }).execute();
    });
    const logPages = Math.ceil(statSync(`${file}-wal`).size / 4096);
    expect(logPages).toBeLessThan(BACKSTOP_CHECKPOINT_PAGES / 10);
    await expect.poll(() => statSync(file).size).toBeGreaterThan(before + 100 * 4000);
    // The data is where a reader expects it.
    expect(Number((await sql<{ n: number }>`select count(*) as n from notes`.execute(db)).rows[0]!.n)).toBe(100);
  });

  it("keep the request thread's own checkpoint only as a backstop", async () => {
    const pages = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db);
    expect(pages.rows[0]!.wal_autocheckpoint).toBe(BACKSTOP_CHECKPOINT_PAGES);
  });
});
