/**
 * Opens the API's store. `DATABASE_URL` is `sqlite:<path>` / a plain path (the embedded default)
 * or, later, `postgres://...` behind the same Kysely interface.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './schema';
import { withStatementCache } from './statement-cache';
import * as m001 from './migrations/001_initial';
import * as m002 from './migrations/002_sync';
import * as m003 from './migrations/003_session_families';
import * as m004 from './migrations/004_agent_states';
import * as m005 from './migrations/005_audit_chain';

const MIGRATIONS: Record<string, Migration> = {
  '001_initial': m001,
  '002_sync': m002,
  '003_session_families': m003,
  '004_agent_states': m004,
  '005_audit_chain': m005,
};

class StaticMigrations implements MigrationProvider {
  async getMigrations() {
    return MIGRATIONS;
  }
}

export type Db = Kysely<Database>;

export function sqlitePathFrom(url: string): string {
  if (url.startsWith('sqlite://')) return url.slice('sqlite://'.length);
  if (url.startsWith('sqlite:')) return url.slice('sqlite:'.length);
  if (url.startsWith('file:')) return url.slice('file:'.length);
  return url;
}

export async function openDatabase(url: string): Promise<Db> {
  if (/^postgres(ql)?:/.test(url)) {
    throw new Error('PostgreSQL is not wired yet: use a SQLite path for DATABASE_URL');
  }
  const path = sqlitePathFrom(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  await migrate(db);
  return db;
}

export async function migrate(db: Kysely<unknown> | Db): Promise<void> {
  const migrator = new Migrator({ db: db as Kysely<unknown>, provider: new StaticMigrations() });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
