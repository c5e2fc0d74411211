/** Turns a contract error into a sentence an agent can act on; unknown codes keep their message. */
import type { InvokeError } from '../bridge';

const NETWORK_CODES = new Set(['NETWORK_ERROR', 'UNREACHABLE', 'SERVER_UNREACHABLE', 'OFFLINE', 'SERVICE_UNAVAILABLE', 'TIMEOUT', 'ECONNREFUSED']);

export function isUnreachable(err: InvokeError): boolean {
  return NETWORK_CODES.has(err.code) || /fetch failed|ECONNREFUSED|ENOTFOUND|unreachable|network/i.test(err.message);
}

export function friendlyMessage(err: InvokeError, context: { serverUrl?: string } = {}): string {
  if (err.code === 'UNAUTHORIZED' || err.code === 'INVALID_CREDENTIALS') return 'Wrong email or password.';
  if (isUnreachable(err)) {
    return context.serverUrl
      ? `Can't reach the server at ${context.serverUrl}. Check the address and your connection.`
      : "Can't reach the server. Check your connection.";
  }
  if (err.code === 'FORBIDDEN') return "You don't have permission to do that.";
  if (err.code === 'NOT_FOUND') return 'That record no longer exists.';
  if (err.code === 'INVALID_STATUS_TRANSITION') return `That status change isn't allowed: ${err.message}`;
  if (err.code === 'VALIDATION_FAILED' && err.details) {
    const parts = Object.entries(err.details)
      .filter(([, v]) => typeof v === 'string')
      .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${String(v)}`);
    if (parts.length > 0) return `Please check: ${parts.join('; ')}`;
  }
  if (err.code === 'BRIDGE_UNAVAILABLE') return 'The desktop app is not connected. Reload the window.';
  return err.message || err.code;
}
