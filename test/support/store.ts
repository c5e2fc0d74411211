/**
 * Direct access to a test server's store, whichever it is (SQLite file or PostgreSQL database):
 * for what no endpoint does (back-dated rows, a second writer holding the lock, reading the audit
 * log's raw rows). Queries are Kysely `sql` templates, so placeholders suit both dialects.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import pg from 'pg';
import { connectDatabase } from '../../src-server/db/connection';
import { isPostgresUrl } from '../../src-server/db/dialect';
import { pgBinDir } from '../../scripts/lib/postgres-cluster';

interface HasStore {
  dbPath: string;
}

export async function withStore<T>(server: HasStore, fn: (db: Kysely<any>) => Promise<T>): Promise<T> {
  const db = connectDatabase(server.dbPath);
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

/** Runs one statement and returns its rows. */
export async function query<T = Record<string, any>>(server: HasStore, statement: RawBuilder<unknown>): Promise<T[]> {
  return withStore(server, async (db) => (await statement.execute(db)).rows as T[]);
}

export { sql };

/**
 * Another writer (a backup, a migration) takes the write lock and keeps it until released:
 * SQLite's BEGIN IMMEDIATE, or on PostgreSQL an EXCLUSIVE lock (readers pass, writers wait) on
 * every table of the schema.
 */
export async function holdWriteLock(server: HasStore): Promise<() => Promise<void>> {
  if (!isPostgresUrl(server.dbPath)) {
    const db = new Database(server.dbPath);
    db.prepare('BEGIN IMMEDIATE').run();
    return async () => {
      db.prepare('ROLLBACK').run();
      db.close();
    };
  }
  const client = new pg.Client({ connectionString: server.dbPath });
  await client.connect();
  const { rows } = await client.query<{ name: string }>(
    "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'kysely%' AND tablename NOT LIKE 'rate_limit%'",
  );
  await client.query('BEGIN');
  await client.query(`LOCK TABLE ${rows.map((r) => r.name).join(', ')} IN EXCLUSIVE MODE`);
  return async () => {
    await client.query('ROLLBACK');
    await client.end();
  };
}

/** Everything the store has written, as bytes: SQLite's files (WAL included) or a pg_dump. */
export function storeBytes(server: HasStore): Buffer[] {
  if (isPostgresUrl(server.dbPath)) {
    return [execFileSync(join(pgBinDir(), 'pg_dump'), ['--no-owner', server.dbPath], { maxBuffer: 256 * 1024 * 1024 })];
  }
  return [server.dbPath, `${server.dbPath}-wal`].map((f) => {
    try {
      return readFileSync(f);
    } catch {
      return Buffer.alloc(0);
    }
  });
}
