/**
 * A sync push undoes a refused mutation by its savepoint, taken only when the mutation runs a
 * statement (src-server/db/lazy-savepoint.ts). On the store under test (SQLite or PostgreSQL, as
 * the API opens it): what ran inside a failed run is undone and the transaction goes on, what
 * ran inside a successful one commits, and a run that ran nothing sends no savepoint at all.
 */
import SQLite from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CompiledQuery, Kysely, SqliteDialect, sql, type ControlledTransaction, type Dialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src-server/db/connection';
import { lazySavepointsOf, withLazySavepoints } from '../../src-server/db/lazy-savepoint';
import { createTestStore, dropTestStore } from '../support/api-server';

interface Probe {
  probe: { id: string };
}

let dir: string;
let url: string;
let db: Kysely<Probe>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oncall-lazy-savepoint-'));
  url = await createTestStore(dir);
  db = connectDatabase(url) as unknown as Kysely<Probe>;
  await db.schema.createTable('probe').addColumn('id', 'text', (c) => c.primaryKey()).execute();
});

afterAll(async () => {
  await db?.destroy();
  await dropTestStore(url);
  rmSync(dir, { recursive: true, force: true });
});

const ids = async () => (await db.selectFrom('probe').select('id').orderBy('id').execute()).map((r) => r.id);
const insert = (trx: ControlledTransaction<Probe>, id: string) => trx.insertInto('probe').values({ id }).execute();

describe('lazy savepoints', () => {
  it('undo what a failed run wrote, keep what a successful one wrote, and the transaction goes on', async () => {
    const trx = await db.startTransaction().execute();
    const savepoints = await lazySavepointsOf(trx);
    await savepoints.run(() => insert(trx, 'a1'));
    await expect(
      savepoints.run(async () => {
        await insert(trx, 'a2');
        await insert(trx, 'a1'); // the store refuses a duplicate key: on PostgreSQL this aborts all but a savepoint
      }),
    ).rejects.toThrow();
    await expect(
      savepoints.run(async () => {
        await insert(trx, 'a3');
        throw new Error('refused by a rule after writing');
      }),
    ).rejects.toThrow('refused by a rule');
    await savepoints.run(async () => undefined);
    await savepoints.run(() => insert(trx, 'a4'));
    await trx.commit().execute();
    expect(await ids()).toEqual(['a1', 'a4']);
  });

  it('undo a failed run whose first statement comes after an await', async () => {
    const trx = await db.startTransaction().execute();
    const savepoints = await lazySavepointsOf(trx);
    await expect(
      savepoints.run(async () => {
        await new Promise((r) => setTimeout(r, 10));
        await insert(trx, 'b1');
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await insert(trx, 'b2');
    await trx.commit().execute();
    expect((await ids()).filter((id) => id.startsWith('b'))).toEqual(['b2']);
  });

  it('refuse a savepoint inside another', async () => {
    const trx = await db.startTransaction().execute();
    const savepoints = await lazySavepointsOf(trx);
    await expect(savepoints.run(() => savepoints.run(async () => undefined))).rejects.toThrow('already open');
    await trx.rollback().execute();
  });
});

describe('lazy savepoints on the wire', () => {
  it('send no savepoint for a run that runs no statement, and one for a run that does', async () => {
    const file = join(dir, 'wire.sqlite');
    const sent: string[] = [];
    const sqlite = new SQLite(file);
    const inner = new SqliteDialect({ database: sqlite });
    // The real SQLite driver, with the statements it is handed written down.
    const recording: Dialect = {
      createAdapter: () => inner.createAdapter(),
      createQueryCompiler: () => inner.createQueryCompiler(),
      createIntrospector: (k) => inner.createIntrospector(k),
      createDriver: () => {
        const driver = inner.createDriver();
        const acquire = driver.acquireConnection.bind(driver);
        const patched = new WeakSet<object>();
        driver.acquireConnection = async () => {
          const connection = await acquire();
          if (patched.has(connection)) return connection; // SQLite's one connection, handed out again
          patched.add(connection);
          const execute = connection.executeQuery.bind(connection);
          connection.executeQuery = (q: CompiledQuery) => {
            sent.push(q.sql);
            return execute(q);
          };
          return connection;
        };
        return driver;
      },
    };
    const wire = new Kysely<Probe>({ dialect: withLazySavepoints(recording) });
    try {
      await wire.schema.createTable('probe').addColumn('id', 'text', (c) => c.primaryKey()).execute();
      const trx = await wire.startTransaction().execute();
      const savepoints = await lazySavepointsOf(trx);
      sent.length = 0;
      await savepoints.run(async () => undefined);
      await expect(savepoints.run(async () => Promise.reject(new Error('refused before any statement')))).rejects.toThrow();
      expect(sent).toEqual([]);
      await savepoints.run(() => sql`insert into probe (id) values ('c1')`.execute(trx));
      expect(sent.map((s) => s.split(' ')[0]!.toLowerCase())).toEqual(['savepoint', 'insert', 'release']);
      await trx.commit().execute();
    } finally {
      await wire.destroy();
    }
  });
});
