/**
 * Scale-out (PostgreSQL only): the shared rate-limit counters of rate-limiter-flexible, created
 * here rather than by the library at start, so several instances starting at once do not race
 * to create it. SQLite runs one process, whose counters stay in memory.
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`CREATE TABLE rate_limits (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`.execute(db);
  await sql`CREATE INDEX rate_limits_expire ON rate_limits (expire)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) await sql`DROP TABLE rate_limits`.execute(db);
}
