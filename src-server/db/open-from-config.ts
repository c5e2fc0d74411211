/** Opens the store named by the configuration, waiting for a PostgreSQL that is still starting. */
import { hostname } from 'node:os';
import type { Config } from '../config';
import { connectDatabase, migrate, type Db } from './connection';
import { isStoreUnavailable } from './errors';

export const instanceIdOf = (config: Config) => config.INSTANCE_ID ?? `${hostname()}:${process.pid}`;

interface Log {
  warn: (obj: object, msg: string) => void;
}

/**
 * Connects and migrates. Several instances starting at once migrate once (the migrator's lock);
 * while the database cannot be reached the instance keeps trying, so that a cluster can start
 * its API instances before, or together with, its database.
 */
export async function openFromConfig(config: Config, log: Log): Promise<Db> {
  const db = connectDatabase(config.DATABASE_URL, {
    postgres: {
      poolMax: config.DATABASE_POOL_MAX,
      connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
      lockTimeoutMs: config.DATABASE_LOCK_TIMEOUT_MS,
      statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
      applicationName: `oncall-api ${instanceIdOf(config)}`.slice(0, 63),
    },
  });
  for (let attempt = 1; ; attempt++) {
    try {
      await migrate(db);
      return db;
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause ?? err;
      if (!isStoreUnavailable(cause) && !isStoreUnavailable(err)) {
        await db.destroy();
        throw err;
      }
      const waitMs = Math.min(5000, 200 * attempt);
      log.warn({ err: String(cause), attempt, waitMs }, 'database not reachable yet: retrying');
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}
