/**
 * phone-desk.ts's ports filled in with Electron: the main window, native notifications with
 * Answer / Decline buttons, globalShortcut for the core's shortcut settings, and the tray. The
 * decisions are all in phone-desk.ts / desktop-policy.ts (tested under Node); this only wires.
 */
import { globalShortcut, Notification, type BrowserWindow } from 'electron';
import type { ShellPort } from '../core/api';
import type { DesktopCommand } from '../../src-shared/ipc/desktop';
import type { TrayModel } from './desktop-policy';
import { PhoneDesk } from './phone-desk';

export interface DeskWiring {
  window(): BrowserWindow | null;
  command(command: DesktopCommand): void;
  tray(model: TrayModel): void;
  activityChanged(): void;
  quit(): void;
}

function showAndFocus(window: BrowserWindow | null): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

export function createDesk(wiring: DeskWiring): { desk: PhoneDesk; shell: ShellPort } {
  // Notifications shown and not yet closed: referenced so they are not collected (and their
  // buttons silently lost) while the call still rings.
  const shown = new Set<Notification>();
  const desk = new PhoneDesk({
    window() {
      const w = wiring.window();
      return w && !w.isDestroyed() ? { visible: w.isVisible(), minimized: w.isMinimized(), focused: w.isFocused() } : null;
    },
    showAndFocus: () => showAndFocus(wiring.window()),
    showInactiveAndFlash() {
      const w = wiring.window();
      if (!w || w.isDestroyed()) return;
      if (!w.isVisible()) w.showInactive();
      w.flashFrame(true);
      w.once('focus', () => w.flashFrame(false));
    },
    notify(notice, on) {
      if (!Notification.isSupported()) return () => undefined;
      const n = new Notification({
        title: notice.title,
        body: notice.body,
        actions: notice.actions.map((text) => ({ type: 'button' as const, text })),
        // The page plays the ring tone (not throttled: backgroundThrottling is off).
        silent: true,
        urgency: 'critical',
        timeoutType: 'never',
      });
      n.on('action', (event) => (event.actionIndex === 0 ? on.answer() : on.decline()));
      n.on('click', () => on.click());
      n.on('close', () => shown.delete(n));
      shown.add(n);
      n.show();
      return () => {
        shown.delete(n);
        n.close();
      };
    },
    command: (command) => wiring.command(command),
    tray: (model) => wiring.tray(model),
    activityChanged: () => wiring.activityChanged(),
    quit: () => wiring.quit(),
  });
  const shell: ShellPort = {
    phoneState: (state) => desk.apply(state),
    globalShortcuts: {
      register: (accelerator, fire) => {
        try {
          return globalShortcut.register(accelerator, fire);
        } catch {
          // Electron throws on an accelerator it cannot parse: reported like one it refused.
          return false;
        }
      },
      unregisterAll: () => globalShortcut.unregisterAll(),
    },
  };
  return { desk, shell };
}
