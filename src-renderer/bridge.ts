/**
 * The renderer's only door to the main process: `window.oncall` (the Electron preload or the
 * host's WebSocket script installs it). Stores call `invoke` from here so a test can install
 * an in-memory bridge, and every rejection is normalised to the contract's BridgeError shape.
 */
import type {
  BridgeError,
  IpcArgs,
  IpcEvent,
  IpcMethod,
  IpcPayload,
  IpcResult,
  RendererBridge,
} from '../src-shared/ipc/contract';

declare global {
  interface Window {
    oncall?: RendererBridge;
  }
}

let current: RendererBridge | null = null;

export function installBridge(bridge: RendererBridge | null): void {
  current = bridge;
}

export function hasBridge(): boolean {
  return current !== null || (typeof window !== 'undefined' && window.oncall !== undefined);
}

function bridge(): RendererBridge {
  const found = current ?? (typeof window !== 'undefined' ? window.oncall : undefined);
  if (!found) throw asBridgeError({ code: 'BRIDGE_UNAVAILABLE', message: 'The desktop bridge is not available.' });
  return found;
}

export async function invoke<M extends IpcMethod>(method: M, args: IpcArgs<M>): Promise<IpcResult<M>> {
  try {
    return await bridge().invoke(method, args);
  } catch (err) {
    throw asBridgeError(err);
  }
}

export function on<E extends IpcEvent>(event: E, listener: (payload: IpcPayload<E>) => void): () => void {
  return bridge().on(event, listener);
}

/** An Error that also carries the contract's {code, message, details}. */
export class InvokeError extends Error implements BridgeError {
  readonly code: string;
  readonly details?: Record<string, unknown>;
  constructor(body: BridgeError) {
    super(body.message);
    this.name = 'InvokeError';
    this.code = body.code;
    this.details = body.details;
  }
}

/** Whatever a shell rejected with (a BridgeError object, an Error, a string), as an InvokeError. */
export function asBridgeError(err: unknown): InvokeError {
  if (err instanceof InvokeError) return err;
  if (err && typeof err === 'object') {
    const o = err as Record<string, unknown>;
    // Some shells wrap the body as {error: {...}} like the HTTP API does.
    const body = o.error && typeof o.error === 'object' ? (o.error as Record<string, unknown>) : o;
    if (typeof body.code === 'string' && typeof body.message === 'string') {
      const details = body.details && typeof body.details === 'object' ? (body.details as Record<string, unknown>) : undefined;
      return new InvokeError({ code: body.code, message: body.message, details });
    }
    if (err instanceof Error) return new InvokeError({ code: 'UNKNOWN', message: err.message });
  }
  return new InvokeError({ code: 'UNKNOWN', message: String(err) });
}

/** Per-field messages from a VALIDATION_FAILED error, when the shell sent them. */
export function fieldErrors(err: InvokeError | null): Record<string, string> {
  const out: Record<string, string> = {};
  const fields = err?.details?.fields ?? err?.details;
  if (!fields || typeof fields !== 'object') return out;
  for (const [key, value] of Object.entries(fields as Record<string, unknown>)) {
    if (typeof value === 'string') out[key] = value;
    else if (Array.isArray(value) && typeof value[0] === 'string') out[key] = value[0];
  }
  return out;
}
