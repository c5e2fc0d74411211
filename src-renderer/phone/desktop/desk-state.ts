/**
 * What the page tells the shell about the phone and the agent ('desktop.phoneState'), and what a
 * command from outside the page (a global shortcut, a notification button) does to the phone, as
 * plain functions of the phone's state (tested without a browser).
 */
import { AGENT_STATE_LABEL, type AgentStateSettings } from '../../../src-shared/domain/agent-state';
import type { AgentStateChoice, DesktopCommand, DesktopPhoneState } from '../../../src-shared/ipc/desktop';
import type { AgentStateRead } from '../../../src-shared/schemas/agent-states';
import type { PhoneState } from '../engine';
import { currentCall } from '../headset/headset-policy';
import type { CallSnapshot } from '../phone-call';

type Calls = Pick<PhoneState, 'calls' | 'recent'>;

const live = (phone: Calls) => phone.calls.filter((c) => c.phase !== 'ended');
const ringing = (phone: Calls) => live(phone).filter((c) => c.phase === 'incoming');

/** The states an agent picks themselves (the status bar's picker): the phone owns the others. */
export function agentStateChoices(settings: AgentStateSettings): AgentStateChoice[] {
  return [
    { state: 'available', reason: null, label: AGENT_STATE_LABEL.available },
    ...settings.not_ready_reasons.map((reason) => ({ state: 'not_ready' as const, reason, label: `${AGENT_STATE_LABEL.not_ready} · ${reason}` })),
    { state: 'offline', reason: null, label: AGENT_STATE_LABEL.offline },
  ];
}

const callerOf = (call: CallSnapshot) => {
  const who = call.patient?.full_name ?? call.name;
  return who && who !== call.number ? `${who} (${call.number})` : call.number;
};

export function deskPhoneState(phone: Calls, agent: AgentStateRead | null, settings: AgentStateSettings, missed: number): DesktopPhoneState {
  const rings = ringing(phone);
  return {
    ringing: rings.length,
    calls: live(phone).length - rings.length,
    muted: currentCall(phone)?.muted ?? false,
    caller: rings.length ? callerOf(rings[rings.length - 1]!).slice(0, 200) : null,
    missed,
    agent: agent ? { state: agent.state, reason: agent.reason } : null,
    choices: agentStateChoices(settings),
  };
}

/**
 * Inbound calls that rang and ended unanswered (the caller gave up, or it rang out) among the
 * legs that ended since `before`. A call the agent declined, or one the phone turned away because
 * the agent was not available (it never rang), is not a missed call.
 */
export function newlyMissed(before: readonly CallSnapshot[], now: readonly CallSnapshot[]): number {
  const seen = new Set(before.map((c) => c.id));
  return now.filter((c) => !seen.has(c.id) && c.direction === 'inbound' && c.connectedAt === null && (c.endReason === 'caller_cancelled' || c.endReason === 'no_answer')).length;
}

export type DeskPhoneCommand =
  | { kind: 'answer' | 'decline' | 'hangup'; id: string }
  | { kind: 'mute'; id: string; muted: boolean };

/**
 * answer: the ringing call (the one in progress goes on hold); decline: the ringing call;
 * hang up: the call in progress, or with none, the ringing call is declined; mute: toggles the
 * microphone of the call in progress. Nothing to act on: nothing happens.
 */
export function phoneCommandFor(action: Exclude<DesktopCommand['action'], 'set-state'>, phone: Calls): DeskPhoneCommand | null {
  const ring = ringing(phone)[0];
  const current = currentCall(phone);
  switch (action) {
    case 'answer':
      return ring ? { kind: 'answer', id: ring.id } : null;
    case 'decline':
      return ring ? { kind: 'decline', id: ring.id } : null;
    case 'hangup':
      if (current) return { kind: 'hangup', id: current.id };
      return ring ? { kind: 'decline', id: ring.id } : null;
    case 'mute':
      return current?.phase === 'active' ? { kind: 'mute', id: current.id, muted: !current.muted } : null;
  }
}
