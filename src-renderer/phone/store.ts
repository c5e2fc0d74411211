/**
 * The phone as the views see it: the engine's snapshot, the agent's settings and devices, and
 * the dock's own state (open, which tab, what is typed in the dialpad). Actions forward to the
 * engine; every failure becomes `error`, shown in the dock, never an unhandled rejection.
 */
import { create } from 'zustand';
import type { PhoneSettingsPatch, PhoneSettingsRead } from '../../src-shared/schemas/phone-settings';
import { invoke } from '../bridge';
import type { AudioDevice } from './audio-devices';
import type { DialContext, Devices, PhoneEngine, PhoneState } from './engine';
import type { CallSnapshot } from './phone-call';

export type DockTab = 'dialpad' | 'settings';

interface PhoneStore {
  engine: PhoneEngine | null;
  phone: PhoneState;
  settings: PhoneSettingsRead | null;
  devices: AudioDevice[];
  /** the devices in use now: the chosen ones when present, else the defaults */
  effective: Devices;
  dockOpen: boolean;
  tab: DockTab;
  dialText: string;
  error: string | null;
  /** dropped calls (CallSnapshot.endNote) the agent has read and dismissed */
  dismissedEnds: string[];
  openDock(tab?: DockTab): void;
  closeDock(): void;
  setDialText(text: string): void;
  /** a tel:/sip: link opened with the app: show the number ready to dial */
  offerDial(number: string): void;
  clearError(): void;
  dismissEnded(id: string): void;
  run(action: (engine: PhoneEngine) => unknown): Promise<void>;
  dial(number: string, context?: DialContext): Promise<CallSnapshot | null>;
  saveSettings(patch: PhoneSettingsPatch): Promise<PhoneSettingsRead>;
}

export const IDLE_PHONE: PhoneState = {
  registration: { state: 'unconfigured', detail: null, retryAt: null, registeredAt: null },
  calls: [],
  recent: [],
  ringing: null,
};

const message = (err: unknown) => (err instanceof Error ? err.message : typeof err === 'object' && err && 'message' in err ? String((err as { message: unknown }).message) : String(err));

export const usePhone = create<PhoneStore>()((set, get) => ({
  engine: null,
  phone: IDLE_PHONE,
  settings: null,
  devices: [],
  effective: { mic: '', speaker: '', ringer: '' },
  dockOpen: false,
  tab: 'dialpad',
  dialText: '',
  error: null,
  dismissedEnds: [],
  openDock(tab = 'dialpad') {
    set({ dockOpen: true, tab });
  },
  closeDock() {
    set({ dockOpen: false });
  },
  setDialText(dialText) {
    set({ dialText });
  },
  offerDial(number) {
    set({ dockOpen: true, tab: 'dialpad', dialText: number });
  },
  clearError() {
    set({ error: null });
  },
  dismissEnded(id) {
    // Only the engine's recent calls can show: older ids are dropped so the list stays short.
    const recent = new Set(get().phone.recent.map((c) => c.id));
    set({ dismissedEnds: [...get().dismissedEnds.filter((d) => recent.has(d)), id] });
  },
  async run(action) {
    const engine = get().engine;
    if (!engine) return;
    try {
      await action(engine);
    } catch (err) {
      set({ error: message(err) });
    }
  },
  async dial(number, context = {}) {
    const engine = get().engine;
    if (!engine) return null;
    set({ error: null, dockOpen: true });
    try {
      const call = await engine.dial(number, context);
      set({ dialText: '' });
      return call;
    } catch (err) {
      set({ error: message(err) });
      throw err;
    }
  },
  async saveSettings(patch) {
    const saved = await invoke('phone.settings.set', patch);
    set({ settings: saved });
    return saved;
  },
}));

/** Dropped calls the agent has not dismissed yet, newest first. */
export function undismissedEnds(recent: CallSnapshot[], dismissed: string[]): CallSnapshot[] {
  return recent.filter((c) => c.endNote && !dismissed.includes(c.id));
}
