/**
 * A refusal by the rulebook: seed 003's error object (code, message, details). The server turns
 * it into its HTTP error and the desktop core into its bridge error, so a change refused on the
 * desktop reads exactly like the same change refused by the API.
 */
export type RuleErrorCode = 'VALIDATION_FAILED' | 'NOT_FOUND' | 'FORBIDDEN' | 'CONFLICT' | 'INVALID_STATUS_TRANSITION';

export class RuleError extends Error {
  override readonly name = 'RuleError';
  constructor(
    readonly code: RuleErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const invalid = (details: Record<string, string>) => new RuleError('VALIDATION_FAILED', 'validation failed', details);
export const notFound = (what: string) => new RuleError('NOT_FOUND', `${what} not found`);
export const forbidden = (why: string) => new RuleError('FORBIDDEN', why);
export const conflict = (why: string) => new RuleError('CONFLICT', why);

export function badTransition(kind: 'call' | 'task', from: string, to: string, allowed: readonly string[]): RuleError {
  return new RuleError('INVALID_STATUS_TRANSITION', `a ${kind} cannot go from ${from} to ${to}`, {
    status: `allowed from ${from}: ${allowed.join(', ') || 'none (final status)'}`,
  });
}
