/**
 * Store failures sorted by what the client should do. "Unavailable" passes by itself: another
 * writer holds a lock, the connections are all in use, the database restarts or cannot be
 * reached. Those are answered 503 with Retry-After, never 500, and the next request after the
 * database returns succeeds (the pool opens new connections; nothing needs a restart).
 */

const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|NOMEM|PROTOCOL|INTERRUPT)/;

/** PostgreSQL SQLSTATEs of conditions that pass: lock/statement timeouts, deadlocks, shutdowns. */
const PG_UNAVAILABLE = new Set([
  '55P03', // lock_not_available (lock_timeout)
  '57014', // query_canceled (statement_timeout)
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '58000', // system_error
  '53100', // disk_full
  '53200', // out_of_memory
]);

/** Network errors of the driver, and pg-pool's own, while the database is out of reach. */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const PG_POOL_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|connection timeout|Client has encountered a connection error|Client was closed and is not queryable|terminating connection/i;

const codeOf = (err: unknown): string => String((err as { code?: unknown } | null)?.code ?? '');

export function isStoreUnavailable(err: unknown): boolean {
  const code = codeOf(err);
  if (SQLITE_UNAVAILABLE.test(code)) return true;
  if (PG_UNAVAILABLE.has(code) || code.startsWith('08')) return true; // 08xxx: connection exceptions
  if (NETWORK.has(code)) return true;
  const message = err instanceof Error ? err.message : '';
  if (PG_POOL_MESSAGES.test(message)) return true;
  // AggregateError from a failed connect to several addresses (localhost: ::1 and 127.0.0.1)
  if (err instanceof AggregateError) return err.errors.some(isStoreUnavailable);
  return false;
}

/** A uniqueness, foreign-key or check violation (e.g. a client-generated id already in use). */
export function isConstraintViolation(err: unknown): boolean {
  const code = codeOf(err);
  return code.startsWith('SQLITE_CONSTRAINT') || /^23\d{3}$/.test(code);
}
