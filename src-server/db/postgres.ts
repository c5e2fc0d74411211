/**
 * The PostgreSQL store: Kysely's PostgresDialect over a `pg` pool. Values come back as the SQLite
 * store returns them (64-bit integers and counts as numbers), so the services need not know
 * which store they run on.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import { withLazySavepoints } from './lazy-savepoint';
import pg from 'pg';
import type { Database } from './schema';

export interface PostgresOptions {
  /** most connections this instance opens */
  poolMax: number;
  /** how long a request waits for a free connection before it is answered 503 */
  connectTimeoutMs: number;
  /** how long a statement waits for a row or table lock before it is answered 503 */
  lockTimeoutMs: number;
  /** the longest one statement may run */
  statementTimeoutMs: number;
  /** shows in pg_stat_activity, so an operator can tell instances apart */
  applicationName?: string;
}

export const DEFAULT_POSTGRES_OPTIONS: PostgresOptions = {
  poolMax: 10,
  connectTimeoutMs: 5000,
  lockTimeoutMs: 5000,
  statementTimeoutMs: 30_000,
};

const INT8 = 20;
const NUMERIC = 1700;
const pools = new WeakMap<object, pg.Pool>();

/** Connection settings shared by the pool and the LISTEN connection. */
export function clientConfig(url: string, options: PostgresOptions): pg.ClientConfig {
  return {
    connectionString: url,
    connectionTimeoutMillis: options.connectTimeoutMs,
    lock_timeout: options.lockTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    // A connection left idle inside a transaction (a crashed request) must not hold locks for ever.
    idle_in_transaction_session_timeout: Math.max(options.statementTimeoutMs, 60_000),
    application_name: options.applicationName ?? 'oncall-api',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        // bigserial ids, counts and max(seq) fit in a double: the SQLite store returns numbers too.
        if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  };
}

export function openPostgres(url: string, options: PostgresOptions): Kysely<Database> {
  const pool = new pg.Pool({ ...clientConfig(url, options), max: options.poolMax, idleTimeoutMillis: 30_000 });
  // An idle connection that the server drops (a restart, a failover) emits here; without a
  // listener the process would crash. The pool replaces the connection on next use.
  pool.on('error', () => undefined);
  // pg-pool drops its listener from a connection it hands out. A connection held between two
  // statements of a transaction that the server then cuts (a fast shutdown, a failover) emits
  // 'error' with no query to receive it, which would crash the process; its next statement fails
  // instead (answered 503) and the pool discards it when it is released.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: withLazySavepoints(new PostgresDialect({ pool })) });
  pools.set(db, pool);
  return db;
}

export function poolOf(db: object): pg.Pool | undefined {
  return pools.get(db);
}

/**
 * Timestamps are ISO text compared as text, and lists sort by text: both need code-point order,
 * which a locale collation (en_US: punctuation ignored, case folded) does not give.
 */
export async function assertCodePointCollation(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ collate: string }>`SELECT datcollate AS collate FROM pg_database WHERE datname = current_database()`.execute(db);
  const collate = rows[0]?.collate ?? '';
  if (!/^(C|POSIX|C\.UTF-?8)$/i.test(collate)) {
    throw new Error(
      `the database uses collation ${collate}: create it with LC_COLLATE 'C' (e.g. CREATE DATABASE oncall TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'), so that text sorts as on SQLite`,
    );
  }
}
