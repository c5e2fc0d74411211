/**
 * Sorting failures for sync: a mutation's own fault (rejected, never retried), a passing condition
 * of the server (retried later, nothing consumed), or a server fault.
 */
import { isConstraintViolation, isStoreUnavailable } from '../db/errors';
import { ApiError } from '../http/api-error';

/** Store conditions that pass by themselves (another writer holds the lock, the database restarts). */
export function isTransient(err: unknown): boolean {
  return isStoreUnavailable(err) || (err instanceof ApiError && err.code === 'SERVICE_UNAVAILABLE');
}

/** The error a mutation is rejected with, or null if the failure is not the mutation's fault. */
export function permanentError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err.statusCode < 500 ? err : null;
  // e.g. a client-generated id colliding with an existing record's primary key
  if (isConstraintViolation(err)) return new ApiError('CONFLICT', 'the mutation conflicts with an existing record');
  return null;
}

export const busy = () => new ApiError('SERVICE_UNAVAILABLE', 'the server is busy: retry later');
