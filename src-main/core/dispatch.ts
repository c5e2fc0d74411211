/**
 * The one gate between a renderer message and the core, shared by both shells (Electron's ipc.ts
 * and the Node host's WebSocket bridge) so they cannot drift: the method name must be one of
 * IPC_METHODS, its argument must pass that method's zod schema, and whatever goes wrong comes back
 * as data ({ok:false, error}) in the seed's error shape instead of an exception crossing the
 * process boundary (Electron would flatten it to a message; a WebSocket would lose it).
 */
import { IPC_METHODS, type BridgeError, type CoreHandlers, type IpcMethod } from '../../src-shared/ipc/contract';
import { OnCallNetworkError } from '../../src-shared/sdk';
import { validationError } from './errors';

export type BridgeResponse = { ok: true; result: unknown } | { ok: false; error: BridgeError };

export function isIpcMethod(name: unknown): name is IpcMethod {
  // hasOwn, not `in`: '__proto__' or 'toString' must not reach the handler table.
  return typeof name === 'string' && Object.hasOwn(IPC_METHODS, name);
}

/** Node's and SQLite's own error codes: their messages name files and SQL, so they stay internal. */
const SYSTEM_CODE = /^(E[A-Z]+|ERR_[A-Z0-9_]+|SQLITE_[A-Z0-9_]+)$/;

/** Errors the core throws on purpose carry an UPPER_SNAKE code (ApiError-like); anything else is a bug. */
export function toBridgeError(err: unknown): BridgeError {
  // Signing in (the one call that waits on the network) to a server that does not answer.
  if (err instanceof OnCallNetworkError) return { code: 'SERVICE_UNAVAILABLE', message: `The central API could not be reached: ${err.message}` };
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown; details?: unknown };
    const deliberate = typeof e.code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(e.code) && !SYSTEM_CODE.test(e.code) && !('syscall' in e);
    if (deliberate && typeof e.message === 'string') {
      const details = e.details && typeof e.details === 'object' && !Array.isArray(e.details) ? (e.details as Record<string, unknown>) : undefined;
      return { code: e.code as string, message: e.message, ...(details ? { details } : {}) };
    }
  }
  // Don't hand internals (stack, SQL, paths) to the page; the shell logs the original.
  return { code: 'INTERNAL_ERROR', message: 'The desktop core failed to handle this request.' };
}

export interface DispatchOptions {
  /** where unexpected failures are reported (the page only sees INTERNAL_ERROR) */
  onInternalError?: (method: string, err: unknown) => void;
}

export async function dispatch(handlers: CoreHandlers, method: unknown, args: unknown, options: DispatchOptions = {}): Promise<BridgeResponse> {
  if (!isIpcMethod(method)) {
    return { ok: false, error: { code: 'BAD_REQUEST', message: 'unknown method', details: { method: typeof method === 'string' ? method.slice(0, 100) : typeof method } } };
  }
  // Methods without arguments may be invoked as invoke('sync.now') from plain JS.
  const parsed = IPC_METHODS[method].args.safeParse(args === undefined ? {} : args);
  if (!parsed.success) {
    return { ok: false, error: { code: 'VALIDATION_FAILED', message: `invalid arguments for ${method}`, details: validationError(parsed.error).details } };
  }
  try {
    const handler = handlers[method] as (a: unknown) => Promise<unknown>;
    return { ok: true, result: await handler(parsed.data) };
  } catch (err) {
    const error = toBridgeError(err);
    if (error.code === 'INTERNAL_ERROR') options.onInternalError?.(method, err);
    return { ok: false, error };
  }
}
