/**
 * The desktop around the phone, as plain functions tested under Node (the Electron binary cannot
 * run here): when an incoming call brings the window forward, when it notifies, whether quitting
 * asks first, what the tray shows. Which global shortcuts register: src-shared/ipc/desktop.ts.
 */
import { AGENT_STATE_LABEL, type AgentStateName } from '../../src-shared/domain/agent-state';
import type { AgentStateChoice, DesktopPhoneState } from '../../src-shared/ipc/desktop';
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

export type TrayAction = { kind: 'set-state'; state: AgentStateName; reason: string | null } | { kind: 'open' } | { kind: 'quit' };

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

const stateLabel = (agent: NonNullable<DesktopPhoneState['agent']>, choices: readonly AgentStateChoice[]) =>
  choices.find((c) => c.state === agent.state && c.reason === agent.reason)?.label ??
  (agent.reason ? `${AGENT_STATE_LABEL[agent.state]} · ${agent.reason}` : AGENT_STATE_LABEL[agent.state]);

/**
 * The tray: the agent's state and missed calls at a glance, change state, open, quit. A state
 * the phone owns (on a call, after-call work) is shown checked but is not one to pick.
 */
export function trayModel(desk: Pick<DesktopPhoneState, 'agent' | 'choices' | 'ringing' | 'calls' | 'missed'>): TrayModel {
  const { agent, choices } = desk;
  const current = agent ? stateLabel(agent, choices) : 'Signed out';
  const phone = desk.ringing > 0 ? 'ringing' : desk.calls > 0 ? `on ${desk.calls === 1 ? 'a call' : `${desk.calls} calls`}` : null;
  const missed = desk.missed > 0 ? `${desk.missed} missed call${desk.missed === 1 ? '' : 's'}` : null;
  const listed = agent && !choices.some((c) => c.state === agent.state && c.reason === agent.reason);
  const radios: TrayItem[] = [
    ...(listed ? [{ label: current, type: 'radio', checked: true, enabled: false } as TrayItem] : []),
    ...choices.map((c): TrayItem => ({
      label: c.label,
      type: 'radio',
      checked: !!agent && c.state === agent.state && c.reason === agent.reason,
      enabled: agent !== null,
      action: { kind: 'set-state', state: c.state, reason: c.reason },
    })),
  ];
  return {
    tooltip: ['OnCall Desk', current, phone, missed].filter(Boolean).join(' · '),
    items: [
      ...radios,
      ...(radios.length ? [{ label: '', type: 'separator' } as TrayItem] : []),
      ...(missed ? [{ label: missed, type: 'normal', action: { kind: 'open' } } as TrayItem] : []),
      { label: 'Open OnCall Desk', type: 'normal', action: { kind: 'open' } },
      { label: phone ? 'Quit… (a call is in progress)' : 'Quit', type: 'normal', action: { kind: 'quit' } },
    ],
  };
}
