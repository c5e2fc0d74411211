/**
 * The desktop around the phone, as plain functions tested under Node (the Electron binary cannot
 * run here): when an incoming call brings the window forward, when it notifies, whether quitting
 * asks first, what the tray shows, which global shortcuts are registered.
 */
import type { PhoneActivity } from './update-policy';

export interface WindowFacts {
  visible: boolean;
  minimized: boolean;
  focused: boolean;
}

export type ForwardAction = 'none' | 'show-and-focus' | 'show-inactive-and-flash';

/**
 * A call starts ringing. With no call in progress the window comes to the front with focus (the
 * agent's next move is Answer). During a call it never takes focus (the agent may be typing notes
 * or in the EHR): it is shown without activation and its taskbar entry flashes.
 */
export function bringForward(window: WindowFacts, before: PhoneActivity, now: PhoneActivity): ForwardAction {
  if (now.ringing <= before.ringing) return 'none';
  if (now.calls > 0) return window.focused ? 'none' : 'show-inactive-and-flash';
  return window.focused && window.visible && !window.minimized ? 'none' : 'show-and-focus';
}

/** A desktop notification with Answer / Decline whenever the agent may not see the window. */
export function shouldNotify(window: WindowFacts): boolean {
  return !window.visible || window.minimized || !window.focused;
}

/** Quitting with a call ringing or in progress asks first; otherwise it just quits. */
export function quitNeedsConfirmation(phone: PhoneActivity): boolean {
  return phone.calls > 0 || phone.ringing > 0;
}

export interface AgentStateOption {
  id: string;
  label: string;
}

export type TrayAction = { kind: 'set-state'; state: string } | { kind: 'open' } | { kind: 'quit' };

export interface TrayItem {
  label: string;
  type: 'normal' | 'radio' | 'separator';
  checked?: boolean;
  enabled?: boolean;
  action?: TrayAction;
}

export interface TrayModel {
  tooltip: string;
  items: TrayItem[];
}

/** The tray: the agent's state and missed calls at a glance, change state, open, quit. */
export function trayModel(o: { state: string | null; states: readonly AgentStateOption[]; phone: PhoneActivity; missed: number }): TrayModel {
  const current = o.states.find((s) => s.id === o.state)?.label ?? 'Signed out';
  const phone = o.phone.ringing > 0 ? 'ringing' : o.phone.calls > 0 ? `on ${o.phone.calls === 1 ? 'a call' : `${o.phone.calls} calls`}` : null;
  const missed = o.missed > 0 ? `${o.missed} missed call${o.missed === 1 ? '' : 's'}` : null;
  return {
    tooltip: ['OnCall Desk', current, phone, missed].filter(Boolean).join(' · '),
    items: [
      ...o.states.map((s): TrayItem => ({ label: s.label, type: 'radio', checked: s.id === o.state, enabled: o.state !== null, action: { kind: 'set-state', state: s.id } })),
      ...(o.states.length ? [{ label: '', type: 'separator' } as TrayItem] : []),
      ...(missed ? [{ label: missed, type: 'normal', action: { kind: 'open' } } as TrayItem] : []),
      { label: 'Open OnCall Desk', type: 'normal', action: { kind: 'open' } },
      { label: phone ? 'Quit… (a call is in progress)' : 'Quit', type: 'normal', action: { kind: 'quit' } },
    ],
  };
}

export type ShortcutAction = 'answer' | 'hangup' | 'mute';

/** Global shortcuts are off unless the agent sets them; null or '' means off. */
export type ShortcutSettings = Partial<Record<ShortcutAction, string | null>>;

const KEY = /^(?:[A-Z0-9]|F(?:[1-9]|1[0-9]|2[0-4])|Space|Tab|Enter|Escape|Up|Down|Left|Right|Home|End|PageUp|PageDown|Insert|Delete|Plus|numadd|numsub|num[0-9])$/;
const MODIFIER = /^(?:CommandOrControl|CmdOrCtrl|Command|Cmd|Control|Ctrl|Alt|Option|AltGr|Shift|Super|Meta)$/;

/** An Electron accelerator with at least one modifier (a bare key would swallow typing everywhere). */
export function isValidAccelerator(accelerator: string): boolean {
  const parts = accelerator.split('+');
  const key = parts.pop() ?? '';
  return parts.length > 0 && parts.every((p) => MODIFIER.test(p)) && new Set(parts).size === parts.length && KEY.test(key.length === 1 ? key.toUpperCase() : key);
}

export interface ShortcutOutcome {
  registered: Partial<Record<ShortcutAction, string>>;
  /** what could not be registered, and why, for the settings screen */
  problems: { action: ShortcutAction; accelerator: string; reason: 'invalid' | 'duplicate' | 'taken' }[];
}

/** Registers each configured shortcut through `register` (globalShortcut.register: false when another app holds it). */
export function applyShortcuts(settings: ShortcutSettings, register: (accelerator: string) => boolean): ShortcutOutcome {
  const outcome: ShortcutOutcome = { registered: {}, problems: [] };
  const seen = new Set<string>();
  for (const action of ['answer', 'hangup', 'mute'] as const) {
    const accelerator = settings[action]?.trim();
    if (!accelerator) continue;
    const normal = accelerator.toLowerCase();
    if (!isValidAccelerator(accelerator)) outcome.problems.push({ action, accelerator, reason: 'invalid' });
    else if (seen.has(normal)) outcome.problems.push({ action, accelerator, reason: 'duplicate' });
    else if (!register(accelerator)) outcome.problems.push({ action, accelerator, reason: 'taken' });
    else outcome.registered[action] = accelerator;
    seen.add(normal);
  }
  return outcome;
}
