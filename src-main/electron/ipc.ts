/**
 * The only module that touches ipcMain (lint enforces it, GitHub Desktop style). One handler for
 * the invoke channel: it answers only our main window's own page, then hands the message to the
 * shared dispatch (method name + zod args, errors as data) that the Node host uses too.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { DesktopCore } from '../core/api';
import { dispatch, type BridgeResponse } from '../core/dispatch';
import type { PagePolicy } from '../core/page-policy';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../src-shared/ipc/channels';
import { IPC_EVENTS, type IpcEvent, type IpcPayload } from '../../src-shared/ipc/contract';
import { isAppUrl } from './security-policy';

const FORBIDDEN: BridgeResponse = { ok: false, error: { code: 'FORBIDDEN', message: 'IPC is only answered for the app window.' } };

function fromOurWindow(event: IpcMainInvokeEvent, window: BrowserWindow | null): boolean {
  // A frame that navigated elsewhere, a subframe or another webContents must never reach the core.
  const frame = event.senderFrame;
  return !!window && !window.isDestroyed() && event.sender === window.webContents && !!frame && frame.parent === null && isAppUrl(frame.url);
}

/** Registers the invoke handler and forwards core events to the window; returns the disposer. */
export function registerIpc(core: DesktopCore, getWindow: () => BrowserWindow | null, policy: PagePolicy): () => void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, method: unknown, args: unknown) => {
    if (!fromOurWindow(event, getWindow())) return FORBIDDEN;
    const response = await dispatch(core.handlers, method, args, {
      onInternalError: (name, err) => console.error(`[ipc] ${name} failed`, err),
    });
    // A newly configured SIP server is reachable only under a new CSP: reload once answered.
    if (await policy.needsReload(method, response)) setTimeout(() => event.sender.reload(), 0);
    return response;
  });
  const unsubscribe = (Object.keys(IPC_EVENTS) as IpcEvent[]).map((name) => core.on(name, (payload) => sendEvent(getWindow(), name, payload)));
  return () => {
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
    for (const off of unsubscribe) off();
  };
}

/** Events go to our page only (webContents.send targets this window's main frame). */
export function sendEvent<E extends IpcEvent>(window: BrowserWindow | null, name: E, payload: IpcPayload<E>): void {
  if (!window || window.isDestroyed() || !isAppUrl(window.webContents.getURL())) return;
  window.webContents.send(IPC_EVENT_CHANNEL, name, payload);
}
