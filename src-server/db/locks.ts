/**
 * PostgreSQL advisory locks held to the end of a transaction (`pg_advisory_xact_lock`): the
 * coordination that one process's memory gave when the API ran as one process on SQLite, now
 * shared by every instance on the database. SQLite runs one write transaction at a time, so on
 * SQLite these are no-ops. A lock taken inside a savepoint that is rolled back is released with
 * it, so callers take a lock again where they need it rather than remembering they hold it.
 *
 * Keys use the two-integer form under our own class id, apart from Kysely's migration lock
 * (one bigint) and from anyone else's locks on a shared server. Waiting is bounded by the
 * session's lock_timeout: past it the request is answered 503 Retry-After (db/errors.ts).
 */
import { sql, type QueryExecutorProvider } from 'kysely';
import { isPostgres, type HasExecutor } from './dialect';

/** Our advisory-lock class id ("OnCa" in ASCII). */
const CLASS_ID = 0x4f6e4361;

/** Second keys under CLASS_ID for locks that are one of a kind. */
const AUDIT_CHAIN = 1;

/** A Kysely instance or transaction, whatever its table types. */
type Executor = HasExecutor & QueryExecutorProvider;

/**
 * The audit log's hash chain has one head: appending reads it and inserts after it, so two
 * instances appending at once would both chain to the same entry and fork the chain. Held from
 * the first append to commit; the next appender then reads the entry this one wrote.
 */
export async function lockAuditChain(trx: Executor): Promise<void> {
  if (!isPostgres(trx)) return;
  await sql`SELECT pg_advisory_xact_lock(${sql.lit(CLASS_ID)}, ${sql.lit(AUDIT_CHAIN)})`.execute(trx);
}

/**
 * One desktop client's pushes, one at a time across every instance: a batch retried on another
 * instance while the first attempt still runs waits for it, then finds its mutations processed.
 * Keyed by a hash of the client id under a class of its own (a collision only makes two
 * clients wait for each other).
 */
export async function lockSyncClient(trx: Executor, clientId: string): Promise<void> {
  if (!isPostgres(trx)) return;
  await sql`SELECT pg_advisory_xact_lock(${sql.lit(CLASS_ID + 1)}, hashtext(${clientId}))`.execute(trx);
}

/**
 * One person's shifts, one planner at a time across every instance: the overlap rule reads the
 * shifts around a new one and then writes, so two planners saving overlapping shifts for the
 * same person at once would each find the other's not yet committed. Held to commit; the next
 * planner's read (a fresh snapshot under READ COMMITTED) then sees the shift this one wrote.
 */
export async function lockStaffShifts(trx: Executor, organizationId: string, staffId: string): Promise<void> {
  if (!isPostgres(trx)) return;
  await sql`SELECT pg_advisory_xact_lock(${sql.lit(CLASS_ID + 2)}, hashtext(${`${organizationId}/${staffId}`}))`.execute(trx);
}
