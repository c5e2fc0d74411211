/**
 * The sandboxed preload: exposes `window.oncall` (the contract's RendererBridge) and nothing else.
 * No ipcRenderer, no Node, no generic send: the page can only invoke contract methods through
 * one channel, and the main process validates each call (ipc.ts). Bundled to one CommonJS file
 * that requires only 'electron', as sandboxed preloads must be.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../src-shared/ipc/channels';
import type { BridgeError, RendererBridge } from '../../src-shared/ipc/contract';

type Envelope = { ok: true; result: unknown } | { ok: false; error: BridgeError };

const bridge: RendererBridge = {
  async invoke(method, args) {
    const response = (await ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, args)) as Envelope;
    // Reject with the plain error object: contextBridge copies plain objects intact, whereas an
    // Error would arrive with only its message.
    if (!response.ok) throw response.error;
    return response.result as never;
  },
  on(event, listener) {
    const forward = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) listener(payload as never);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
    return () => void ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
  },
};

contextBridge.exposeInMainWorld('oncall', bridge);
