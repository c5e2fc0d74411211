/**
 * The desktop around the phone, in the core: 'desktop.phoneState' hands the page's phone and
 * agent state to the shell (Electron rings, notifies and shows the tray; the Node host has no
 * desktop and keeps only the last state), and 'desktop.shortcuts.*' keeps the global shortcuts:
 * saved per machine in the local store, registered through the shell when it has system-wide
 * shortcuts, each one firing 'desktop.command' to the page. Off until the agent sets them.
 */
import type { CoreHandlers } from '../../src-shared/ipc/contract';
import {
  applyShortcuts,
  type DesktopCommand,
  type DesktopPhoneState,
  type DesktopShellInfo,
  type ShortcutSettings,
  type ShortcutsStatus,
} from '../../src-shared/ipc/desktop';
import type { LocalStore } from './store';

/** What a shell with a desktop gives the core (src-main/electron); the Node host gives none. */
export interface ShellPort {
  /** the page published the phone's state; answers what the shell does with it */
  phoneState(state: DesktopPhoneState): DesktopShellInfo;
  /** system-wide shortcuts (Electron's globalShortcut); absent when the shell has none */
  globalShortcuts?: {
    /** false when another application holds the accelerator */
    register(accelerator: string, fire: () => void): boolean;
    unregisterAll(): void;
  };
}

const SHORTCUTS_KEY = 'desktop.shortcuts';
const NO_SHELL: DesktopShellInfo = { notifies: false };

export class DesktopService {
  private last: DesktopPhoneState | null = null;
  private status: ShortcutsStatus;

  constructor(
    private readonly store: LocalStore,
    private readonly shell: ShellPort | undefined,
    private readonly command: (command: DesktopCommand) => void,
  ) {
    const saved = store.reference.getSetting<ShortcutSettings>(SHORTCUTS_KEY) ?? {};
    this.status = this.register(saved);
  }

  /** the last state the page published (null before the first) */
  get phone(): DesktopPhoneState | null {
    return this.last;
  }

  phoneState(state: DesktopPhoneState): DesktopShellInfo {
    this.last = state;
    return this.shell?.phoneState(state) ?? NO_SHELL;
  }

  shortcuts(): ShortcutsStatus {
    return this.status;
  }

  setShortcuts(settings: ShortcutSettings): ShortcutsStatus {
    this.store.reference.setSetting(SHORTCUTS_KEY, settings);
    this.status = this.register(settings);
    return this.status;
  }

  close(): void {
    this.shell?.globalShortcuts?.unregisterAll();
  }

  private register(settings: ShortcutSettings): ShortcutsStatus {
    const shortcuts = this.shell?.globalShortcuts;
    if (!shortcuts) return { supported: false, settings, registered: {}, problems: [] };
    // Re-registering from scratch: a changed accelerator must free the old one.
    shortcuts.unregisterAll();
    const outcome = applyShortcuts(settings, (accelerator, action) => shortcuts.register(accelerator, () => this.command({ action })));
    return { supported: true, settings, ...outcome };
  }
}

export function desktopHandlers(desktop: DesktopService): Pick<CoreHandlers, 'desktop.phoneState' | 'desktop.shortcuts.get' | 'desktop.shortcuts.set'> {
  return {
    'desktop.phoneState': async (state) => desktop.phoneState(state),
    'desktop.shortcuts.get': async () => desktop.shortcuts(),
    'desktop.shortcuts.set': async (settings) => desktop.setShortcuts(settings),
  };
}
