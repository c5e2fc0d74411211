/**
 * The IPC contract over a WebSocket, for pages the host served. An upgrade is accepted only from
 * our own origin (a page on any other site is refused, which stops cross-site WebSocket
 * hijacking) and with a session cookie a one-time address set (host-auth.ts). Every message then
 * goes through the same dispatch as Electron's ipc.ts: method name + zod args, errors as data.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { z } from 'zod';
import type { DesktopCore } from '../core/api';
import { dispatch } from '../core/dispatch';
import { validationError } from '../core/errors';
import type { PagePolicy } from '../core/page-policy';
import { IPC_EVENTS, type IpcEvent } from '../../src-shared/ipc/contract';
import { BRIDGE_PATH, type BridgeReply, type BridgeServerMessage } from './protocol';

const Request = z.object({ id: z.number().int().nonnegative(), method: z.string().max(200), args: z.unknown() });
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface BridgeOptions {
  core: DesktopCore;
  /** whether the upgrade request carries one of our sessions (host-auth.ts) */
  isSignedIn(req: IncomingMessage): boolean;
  /** the origins our pages have (http://127.0.0.1:PORT and http://localhost:PORT) */
  allowedOrigins: readonly string[];
  policy: PagePolicy;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export function createWsBridge({ core, isSignedIn, allowedOrigins, policy }: BridgeOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  function send(ws: WebSocket, message: BridgeServerMessage): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  }

  async function onMessage(ws: WebSocket, raw: RawData): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(raw.toString());
    } catch {
      return send(ws, { id: null, ok: false, error: { code: 'INVALID_JSON', message: 'message is not JSON' } });
    }
    const request = Request.safeParse(json);
    if (!request.success) {
      const id = typeof (json as { id?: unknown })?.id === 'number' ? (json as { id: number }).id : null;
      return send(ws, { id, ok: false, error: { code: 'BAD_REQUEST', message: 'not a bridge request', details: validationError(request.error).details } });
    }
    const { id, method, args } = request.data;
    const response = await dispatch(core.handlers, method, args, {
      onInternalError: (name, err) => console.error(`[bridge] ${name} failed`, err),
    });
    send(ws, { id, ...response } as BridgeReply);
    if (await policy.needsReload(method, response)) {
      for (const client of wss.clients) send(client, { control: 'reload' });
    }
  }

  const unsubscribe = (Object.keys(IPC_EVENTS) as IpcEvent[]).map((event) =>
    core.on(event, (payload) => {
      for (const ws of wss.clients) send(ws, { event, payload });
    }),
  );

  return {
    /** For the HTTP server's 'upgrade' event: authenticates, then hands the socket to ws. */
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      const url = new URL(req.url ?? '/', 'http://host');
      if (url.pathname !== BRIDGE_PATH) return refuse(socket, 404, 'Not Found');
      if (!allowedOrigins.includes(req.headers.origin ?? '')) return refuse(socket, 403, 'Forbidden');
      if (!isSignedIn(req)) return refuse(socket, 401, 'Unauthorized');
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('message', (raw) => void onMessage(ws, raw));
        // ws reports protocol violations (an oversized frame, bad UTF-8) as 'error' and closes the
        // socket itself; without a listener the error would take the whole host down.
        ws.on('error', (err) => console.warn('[bridge] connection closed:', err.message));
      });
    },
    close(): void {
      for (const off of unsubscribe) off();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
