/**
 * Errors the core throws to the shells: seed 003's error object (code, message, details), so a
 * refusal made locally reads exactly like one made by the API and crosses the bridge as data.
 */
import type { z } from 'zod';
import type { BridgeError } from '../../src-shared/ipc/contract';

export class CoreError extends Error {
  override readonly name = 'CoreError';
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  toJSON(): BridgeError {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

export const forbidden = (why: string) => new CoreError('FORBIDDEN', why);
export const notFound = (what: string) => new CoreError('NOT_FOUND', `${what} not found`);
export const invalid = (details: Record<string, string>) => new CoreError('VALIDATION_FAILED', 'validation failed', details);

/** A zod failure as the API reports it: 422-style per-field details. */
export function validationError(error: z.ZodError): CoreError {
  const details: Record<string, string> = {};
  for (const issue of error.issues) details[issue.path.join('.') || '_'] ??= issue.message;
  return invalid(details);
}
