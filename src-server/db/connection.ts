/**
 * Opens the API's store. `DATABASE_URL` is `sqlite:<path>` / a plain path (the embedded default)
 * or `postgres://...` (the production store, shared by any number of API instances); both sit
 * behind the same Kysely interface and the same migration list.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql, type MigrationProvider } from 'kysely';
import { BACKSTOP_CHECKPOINT_PAGES, startCheckpointer } from './checkpointer';
import { withLazySavepoints } from './lazy-savepoint';
import { isPostgres, isPostgresUrl } from './dialect';
import { MIGRATIONS } from './migrations';
import { assertCodePointCollation, DEFAULT_POSTGRES_OPTIONS, openPostgres, type PostgresOptions } from './postgres';
import type { Database } from './schema';
import { withStatementCache } from './statement-cache';

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

export interface OpenOptions {
  postgres?: Partial<PostgresOptions>;
  /** false: connect only (the caller migrates, e.g. with retries while the database starts) */
  migrate?: boolean;
}

/** Opens the store without touching it (a PostgreSQL pool connects lazily). */
export function connectDatabase(url: string, options: OpenOptions = {}): Db {
  if (isPostgresUrl(url)) return openPostgres(url, { ...DEFAULT_POSTGRES_OPTIONS, ...options.postgres });
  const path = sqlitePathFrom(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const stopStatistics = keepPlannerStatistics(sqlite);
  // Checkpoints on a worker thread; the request thread's own only as a backstop (checkpointer.ts).
  const stopCheckpointer = path === ':memory:' ? () => undefined : startCheckpointer(path);
  sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  const stop = () => {
    stopCheckpointer();
    stopStatistics();
  };
  return new Kysely<Database>({ dialect: withLazySavepoints(new SqliteDialect({ database: withStatementCache(sqlite, undefined, stop) })) });
}

/**
 * SQLite's planner picks indexes well only with statistics (ANALYZE): without them it read an
 * agent's page of calls through the organization's index, about ten times the rows needed,
 * instead of the agent's own (docs/BENCHMARKS.md, issue 12). As SQLite advises for long-lived
 * connections, `PRAGMA optimize` refreshes them for tables that changed a lot since they were
 * measured: after migrating (`migrate`, which may add indexes) and every hour. The
 * analysis samples a bounded number of rows per index (`analysis_limit`), so it takes
 * milliseconds however large the store.
 */
const OPTIMIZE_EVERY_MS = 3_600_000;

function keepPlannerStatistics(sqlite: SQLite.Database): () => void {
  sqlite.pragma('analysis_limit = 1000');
  const timer = setInterval(() => {
    try {
      sqlite.pragma('optimize');
    } catch {
      // busy or closing: the next hour tries again
    }
  }, OPTIMIZE_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Db> {
  const db = connectDatabase(url, options);
  if (options.migrate !== false) {
    try {
      await migrate(db);
    } catch (err) {
      await db.destroy();
      throw err;
    }
  }
  return db;
}

/**
 * Brings the schema to the latest migration. Several instances starting at once migrate once:
 * on PostgreSQL Kysely's migrator holds a session advisory lock while it runs, and each
 * migration runs in a transaction (DDL is transactional there); SQLite has one writer anyway.
 *
 * When every migration this build knows has run there is nothing to do, even if the database
 * has run more: during a rolling upgrade an instance of the previous release must still start
 * (a crash, a restart) on a database the next release already migrated (docs/scale-out.md,
 * "Upgrading one instance at a time"). Kysely's migrator would refuse that database as
 * "corrupted" (an executed migration it does not know), so it is asked only when this build
 * has something to run.
 */
export async function migrate(db: Kysely<unknown> | Db): Promise<void> {
  if (isPostgres(db as Kysely<unknown>)) await assertCodePointCollation(db as Kysely<unknown>);
  const migrator = new Migrator({ db: db as Kysely<unknown>, provider: new StaticMigrations() });
  if ((await migrator.getMigrations()).some((m) => m.executedAt === undefined)) {
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (error || failed) {
      throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
    }
  }
  // SQLite: statistics for tables never measured (a new index, a store loaded by other means);
  // see keepPlannerStatistics. PostgreSQL's autovacuum keeps its own.
  if (!isPostgres(db as Kysely<unknown>)) {
    try {
      await sql`pragma optimize = 0x10002`.execute(db as Kysely<unknown>);
    } catch {
      // Statistics are a speed-up: a store another writer holds busy still starts; the hourly run measures it.
    }
  }
}

/** Whether every migration this build knows has run (for GET /ready). */
export async function migrationsDone(db: Db): Promise<boolean> {
  const migrator = new Migrator({ db: db as Kysely<unknown>, provider: new StaticMigrations() });
  const all = await migrator.getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}
