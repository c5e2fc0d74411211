/**
 * Installs `window.oncall` (the contract's RendererBridge) in a page served by the Node host, over
 * a WebSocket to the same host: what the Electron preload does over IPC. Bundled into
 * /oncall-bridge.js by the host at startup and loaded before the renderer's own scripts.
 * Calls made while the socket is down wait for it; calls in flight when it drops fail with
 * BRIDGE_DISCONNECTED (their outcome is unknown); it reconnects with backoff.
 */
import type { BridgeError, IpcEvent, RendererBridge } from '../../../src-shared/ipc/contract';
import { BRIDGE_PATH, type BridgeRequest, type BridgeServerMessage } from '../protocol';

interface Pending {
  resolve(value: unknown): void;
  reject(error: BridgeError): void;
  sent: boolean;
  frame: string;
}

// No token: the browser sends the host's HttpOnly session cookie with the upgrade.
const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${BRIDGE_PATH}`;

const pending = new Map<number, Pending>();
const listeners = new Map<string, Set<(payload: unknown) => void>>();
let socket: WebSocket | null = null;
let nextId = 1;
let retryDelay = 250;

function connect(): void {
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    retryDelay = 250;
    for (const call of pending.values()) {
      if (!call.sent) {
        ws.send(call.frame);
        call.sent = true;
      }
    }
  };
  ws.onmessage = (message) => {
    let data: BridgeServerMessage;
    try {
      data = JSON.parse(String(message.data)) as BridgeServerMessage;
    } catch {
      return;
    }
    if ('control' in data) {
      if (data.control === 'reload') location.reload();
      return;
    }
    if ('event' in data) {
      for (const listener of listeners.get(data.event) ?? []) listener(data.payload);
      return;
    }
    const call = data.id === null ? undefined : pending.get(data.id);
    if (!call || data.id === null) return;
    pending.delete(data.id);
    if (data.ok) call.resolve(data.result);
    else call.reject(data.error);
  };
  ws.onclose = () => {
    socket = null;
    for (const [id, call] of pending) {
      if (!call.sent) continue;
      pending.delete(id);
      call.reject({ code: 'BRIDGE_DISCONNECTED', message: 'The connection to the desktop host dropped before it answered.' });
    }
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 5000);
  };
}

const bridge: RendererBridge = {
  invoke(method, args) {
    const request: BridgeRequest = { id: nextId++, method, args };
    return new Promise((resolve, reject) => {
      const call: Pending = { resolve: resolve as (v: unknown) => void, reject, sent: false, frame: JSON.stringify(request) };
      pending.set(request.id, call);
      if (socket?.readyState === WebSocket.OPEN) {
        socket.send(call.frame);
        call.sent = true;
      }
    });
  },
  on<E extends IpcEvent>(event: E, listener: (payload: never) => void) {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    const wrapped = (payload: unknown) => listener(payload as never);
    set.add(wrapped);
    return () => void set.delete(wrapped);
  },
};

// Read-only, like contextBridge's object: page scripts cannot swap the bridge out.
Object.defineProperty(window, 'oncall', { value: Object.freeze(bridge), writable: false, configurable: false, enumerable: true });
connect();
