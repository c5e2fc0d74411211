/**
 * The WebSocket bridge's wire format, shared by the host server and the page-side client (types
 * only on the page: the server validates, the page trusts its own origin).
 *   page -> host   {id, method, args}                       one contract method call
 *   host -> page   {id, ok: true, result} | {id, ok: false, error}   its answer
 *   host -> page   {event, payload}                         a core event (IPC_EVENTS)
 *   host -> page   {control: 'reload'}                      reload: the page's CSP must widen (page-policy.ts)
 */
import type { BridgeError } from '../../src-shared/ipc/contract';

export const BRIDGE_PATH = '/bridge';
export const BRIDGE_SCRIPT_PATH = '/oncall-bridge.js';

export interface BridgeRequest {
  id: number;
  method: string;
  args?: unknown;
}

export type BridgeReply = { id: number | null; ok: true; result: unknown } | { id: number | null; ok: false; error: BridgeError };

export interface BridgeEventMessage {
  event: string;
  payload: unknown;
}

export interface BridgeControlMessage {
  control: 'reload';
}

export type BridgeServerMessage = BridgeReply | BridgeEventMessage | BridgeControlMessage;
