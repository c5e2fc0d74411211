/**
 * What the renderer and the shell tell each other about the desktop around the phone (issue 14,
 * docs/shells.md): the page publishes the phone's and the agent's state ('desktop.phoneState');
 * the shell rings, notifies, shows the tray and fires global shortcuts, and sends the agent's
 * choices back as commands ('desktop.command'). Global shortcuts are per machine and off by
 * default; the rules for a usable accelerator live here so the settings form and the shell agree.
 */
import { z } from 'zod';
import { AgentStateName } from '../domain/agent-state';

/** A state the agent may pick (the status bar's picker, the tray's radio items). */
export const AgentStateChoice = z.object({
  state: AgentStateName,
  reason: z.string().min(1).max(40).nullable(),
  label: z.string().min(1).max(80),
});
export type AgentStateChoice = z.infer<typeof AgentStateChoice>;

export const DesktopPhoneState = z
  .object({
    /** inbound calls ringing now */
    ringing: z.number().int().min(0).max(100),
    /** calls up (dialling, connected or on hold) */
    calls: z.number().int().min(0).max(100),
    /** the call in progress has its microphone muted */
    muted: z.boolean(),
    /** who is ringing (the newest ringing call), for the notification */
    caller: z.string().max(200).nullable(),
    /** inbound calls missed since the agent last had the window in front */
    missed: z.number().int().min(0).max(100_000),
    /** the agent's state (null: not known yet, or signed out) */
    agent: z.object({ state: AgentStateName, reason: z.string().max(40).nullable() }).nullable(),
    /** what the agent may switch to from the tray */
    choices: z.array(AgentStateChoice).max(40),
  })
  .strict();
export type DesktopPhoneState = z.infer<typeof DesktopPhoneState>;

/** What the shell does with the state, so the page does not notify a second time. */
export const DesktopShellInfo = z.object({
  /** the shell shows its own ringing notification (with Answer / Decline) */
  notifies: z.boolean(),
});
export type DesktopShellInfo = z.infer<typeof DesktopShellInfo>;

export const SHORTCUT_ACTIONS = ['answer', 'hangup', 'mute'] as const;
export type ShortcutAction = (typeof SHORTCUT_ACTIONS)[number];

/** An Electron accelerator, e.g. "CommandOrControl+Shift+A"; null or '' means off. */
export const ShortcutSettings = z
  .object(Object.fromEntries(SHORTCUT_ACTIONS.map((a) => [a, z.string().max(60).nullable().optional()])) as Record<ShortcutAction, z.ZodOptional<z.ZodNullable<z.ZodString>>>)
  .strict();
export type ShortcutSettings = z.infer<typeof ShortcutSettings>;

export const ShortcutProblem = z.object({
  action: z.enum(SHORTCUT_ACTIONS),
  accelerator: z.string(),
  /** invalid: not modifier+key; duplicate: another action has it; taken: another application holds it */
  reason: z.enum(['invalid', 'duplicate', 'taken']),
});
export type ShortcutProblem = z.infer<typeof ShortcutProblem>;

export const ShortcutsStatus = z.object({
  /** false in browser mode: only the desktop app can register system-wide shortcuts */
  supported: z.boolean(),
  settings: ShortcutSettings,
  registered: z.object(Object.fromEntries(SHORTCUT_ACTIONS.map((a) => [a, z.string().optional()])) as Record<ShortcutAction, z.ZodOptional<z.ZodString>>),
  problems: z.array(ShortcutProblem),
});
export type ShortcutsStatus = z.infer<typeof ShortcutsStatus>;

/** Sent by the shell: a global shortcut, a notification button or a tray item the agent used. */
export const DesktopCommand = z.discriminatedUnion('action', [
  z.object({ action: z.enum(['answer', 'decline', 'hangup', 'mute']) }),
  z.object({ action: z.literal('set-state'), state: AgentStateName, reason: z.string().max(40).nullable() }),
]);
export type DesktopCommand = z.infer<typeof DesktopCommand>;

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
  problems: ShortcutProblem[];
}

/** Registers each configured shortcut through `register` (globalShortcut.register: false when another app holds it). */
export function applyShortcuts(settings: ShortcutSettings, register: (accelerator: string, action: ShortcutAction) => boolean): ShortcutOutcome {
  const outcome: ShortcutOutcome = { registered: {}, problems: [] };
  const seen = new Set<string>();
  for (const action of SHORTCUT_ACTIONS) {
    const accelerator = settings[action]?.trim();
    if (!accelerator) continue;
    const normal = accelerator.toLowerCase();
    if (!isValidAccelerator(accelerator)) outcome.problems.push({ action, accelerator, reason: 'invalid' });
    else if (seen.has(normal)) outcome.problems.push({ action, accelerator, reason: 'duplicate' });
    else if (!register(accelerator, action)) outcome.problems.push({ action, accelerator, reason: 'taken' });
    else outcome.registered[action] = accelerator;
    seen.add(normal);
  }
  return outcome;
}
