/**
 * The shell's side of the phone, without Electron (so it is tested under Node): the page
 * publishes the phone's and the agent's state ('desktop.phoneState'); this applies
 * desktop-policy.ts to it through ports the Electron glue (desk-electron.ts) fills in: the window
 * comes forward, a notification with Answer / Decline rings when the window may not be seen, the
 * tray follows, a deferred update question may be asked once the phone is idle, and the agent's
 * answers (notification buttons, tray items) go back to the page as 'desktop.command'.
 */
import type { DesktopCommand, DesktopPhoneState, DesktopShellInfo } from '../../src-shared/ipc/desktop';
import { bringForward, shouldNotify, trayModel, type TrayAction, type TrayModel, type WindowFacts } from './desktop-policy';
import type { PhoneActivity } from './update-policy';

export interface RingNotice {
  title: string;
  body: string;
  actions: readonly ['Answer', 'Decline'];
}

export interface DeskPorts {
  /** the main window's facts, or null when there is none */
  window(): WindowFacts | null;
  showAndFocus(): void;
  /** shown without taking focus, taskbar entry flashing */
  showInactiveAndFlash(): void;
  /** shows a notification; the handlers run on its buttons / a click; returns its closer */
  notify(notice: RingNotice, on: { answer(): void; decline(): void; click(): void }): () => void;
  /** to the page */
  command(command: DesktopCommand): void;
  tray(model: TrayModel): void;
  /** the phone's activity changed (the updater may ask its deferred question now) */
  activityChanged(): void;
  quit(): void;
}

export const IDLE_DESK: DesktopPhoneState = { ringing: 0, calls: 0, muted: false, caller: null, missed: 0, agent: null, choices: [] };

export function ringNotice(state: DesktopPhoneState): RingNotice {
  return {
    title: state.calls > 0 ? 'Call waiting' : 'Incoming call',
    body: state.caller ?? 'Unknown caller',
    actions: ['Answer', 'Decline'],
  };
}

export class PhoneDesk {
  private current: DesktopPhoneState = IDLE_DESK;
  private closeNotice: (() => void) | null = null;

  constructor(private readonly ports: DeskPorts) {
    ports.tray(trayModel(this.current));
  }

  get state(): DesktopPhoneState {
    return this.current;
  }

  get activity(): PhoneActivity {
    return { calls: this.current.calls, ringing: this.current.ringing };
  }

  /** The page published its state ('desktop.phoneState'). */
  apply(next: DesktopPhoneState): DesktopShellInfo {
    const before = this.current;
    this.current = next;
    const facts = this.ports.window();
    if (facts) {
      const action = bringForward(facts, before, next);
      if (action === 'show-and-focus') this.ports.showAndFocus();
      else if (action === 'show-inactive-and-flash') this.ports.showInactiveAndFlash();
    }
    if (next.ringing === 0) this.dismiss();
    // A new call rang: notify about it (replacing an older notice) when the window may be unseen.
    // `facts` is read before bringForward moved the window: a window that was behind still notifies.
    else if (next.ringing > before.ringing && (!facts || shouldNotify(facts))) {
      this.dismiss();
      this.closeNotice = this.ports.notify(ringNotice(next), {
        answer: () => this.ports.command({ action: 'answer' }),
        decline: () => this.ports.command({ action: 'decline' }),
        click: () => this.ports.showAndFocus(),
      });
    }
    if (JSON.stringify(trayModel(before)) !== JSON.stringify(trayModel(next))) this.ports.tray(trayModel(next));
    if (before.calls !== next.calls || before.ringing !== next.ringing) this.ports.activityChanged();
    return { notifies: true };
  }

  /** A tray menu item was chosen (or the icon clicked: 'open'). */
  trayAction(action: TrayAction): void {
    if (action.kind === 'open') this.ports.showAndFocus();
    else if (action.kind === 'quit') this.ports.quit();
    else this.ports.command({ action: 'set-state', state: action.state, reason: action.reason });
  }

  /** The page went away (reload, sign-out, crash): what it published is no longer true. */
  reset(): void {
    this.apply(IDLE_DESK);
  }

  private dismiss(): void {
    this.closeNotice?.();
    this.closeNotice = null;
  }
}
