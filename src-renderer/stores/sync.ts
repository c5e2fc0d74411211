/** The sync engine's state as the status bar shows it, and the changes the server rejected. */
import { create } from 'zustand';
import type { AttentionItem, SyncStatus } from '../../src-shared/ipc/contract';
import { type InvokeError, asBridgeError, invoke } from '../bridge';

interface SyncState {
  status: SyncStatus | null;
  attention: AttentionItem[];
  attentionError: InvokeError | null;
  setStatus(status: SyncStatus): void;
  refresh(): Promise<void>;
  syncNow(): Promise<void>;
  loadAttention(): Promise<void>;
  /** resolves to the error to show inline, or null */
  retry(mutationId: string, args?: Record<string, unknown>): Promise<InvokeError | null>;
  discard(mutationId: string): Promise<InvokeError | null>;
}

export const useSync = create<SyncState>()((set, get) => ({
  status: null,
  attention: [],
  attentionError: null,
  setStatus(status) {
    const before = get().status;
    set({ status });
    // The attention list only changes when the count does (or a retry settled).
    if (!before || before.attention !== status.attention) void get().loadAttention();
  },
  async refresh() {
    try {
      get().setStatus(await invoke('sync.status', {}));
    } catch {
      // The status bar keeps the last known state; the next event corrects it.
    }
  },
  async syncNow() {
    try {
      get().setStatus(await invoke('sync.now', {}));
    } catch {
      // Offline is shown by the status itself.
    }
  },
  async loadAttention() {
    try {
      set({ attention: await invoke('sync.attention', {}), attentionError: null });
    } catch (err) {
      set({ attentionError: asBridgeError(err) });
    }
  },
  async retry(mutationId, args) {
    try {
      await invoke('sync.retry', args ? { mutation_id: mutationId, args } : { mutation_id: mutationId });
    } catch (err) {
      return asBridgeError(err);
    }
    set({ attention: get().attention.filter((a) => a.mutation_id !== mutationId) });
    void get().refresh();
    return null;
  },
  async discard(mutationId) {
    try {
      await invoke('sync.discard', { mutation_id: mutationId });
    } catch (err) {
      return asBridgeError(err);
    }
    set({ attention: get().attention.filter((a) => a.mutation_id !== mutationId) });
    void get().refresh();
    return null;
  },
}));
