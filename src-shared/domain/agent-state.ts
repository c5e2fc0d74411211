/**
 * Agent states: the one set of rules the desktop core (local write, rebase), the server (sync
 * push) and the renderer (status bar, phone) all use. A state change is an event with the time
 * it really happened (`at`); the current state is the latest event by `at`, so a change made
 * offline and synced later never overwrites a newer one, and still lands in the history.
 */
import { z } from 'zod';

export const AGENT_STATES = ['available', 'on_call', 'after_call_work', 'not_ready', 'offline'] as const;
export const AgentStateName = z.enum(AGENT_STATES);
export type AgentStateName = z.infer<typeof AgentStateName>;

export const AGENT_STATE_LABEL: Record<AgentStateName, string> = {
  available: 'Available',
  on_call: 'On call',
  after_call_work: 'After-call work',
  not_ready: 'Not ready',
  offline: 'Offline',
};

/** Organization settings: the not-ready reason codes agents pick from, and the wrap-up limit. */
export const AgentStateSettings = z.object({
  not_ready_reasons: z.array(z.string().trim().min(1).max(40)).min(1).max(30),
  /** after-call work ends by itself this long after the call (seconds) */
  acw_limit_seconds: z.number().int().min(0).max(3600),
});
export type AgentStateSettings = z.infer<typeof AgentStateSettings>;

export const DEFAULT_AGENT_STATE_SETTINGS: AgentStateSettings = {
  not_ready_reasons: ['Break', 'Lunch', 'Training', 'Meeting'],
  acw_limit_seconds: 120,
};

/** What an agent's current state looks like, to the desktop and in the API. */
export interface AgentStateFields {
  state: AgentStateName;
  reason: string | null;
  since: string;
  /** the state to go back to when after-call work ends (the one before the call) */
  previous_state: AgentStateName | null;
  previous_reason: string | null;
  call_id: string | null;
}

export interface AgentStateChange {
  state: AgentStateName;
  reason?: string | null;
  at: string;
  call_id?: string | null;
}

/** Why a change can never apply (field -> message), or null. */
export function agentStateProblem(change: AgentStateChange, settings: AgentStateSettings): Record<string, string> | null {
  if (change.state === 'not_ready') {
    if (!change.reason) return { reason: 'a not-ready state needs a reason' };
    if (!settings.not_ready_reasons.includes(change.reason)) {
      return { reason: `not one of this organization's reasons (${settings.not_ready_reasons.join(', ')})` };
    }
  } else if (change.reason) {
    return { reason: 'only a not-ready state has a reason' };
  }
  return null;
}

/**
 * The state after `change`, or null when the change is older than the current state (it only
 * joins the history). Going on a call remembers where the agent came from; after-call work
 * keeps that memory, so the end of wrap-up returns there.
 */
export function nextAgentState(current: AgentStateFields | null, change: AgentStateChange): AgentStateFields | null {
  const at = new Date(change.at).toISOString();
  if (current && at < current.since) return null;
  const busy = (s: AgentStateName | undefined) => s === 'on_call' || s === 'after_call_work';
  let previous_state: AgentStateName | null = null;
  let previous_reason: string | null = null;
  if (busy(change.state)) {
    if (current && busy(current.state)) {
      previous_state = current.previous_state;
      previous_reason = current.previous_reason;
    } else {
      previous_state = current?.state ?? 'available';
      previous_reason = current?.reason ?? null;
    }
  }
  return {
    state: change.state,
    reason: change.state === 'not_ready' ? (change.reason ?? null) : null,
    since: at,
    previous_state,
    previous_reason,
    call_id: busy(change.state) ? (change.call_id ?? current?.call_id ?? null) : null,
  };
}

/** Where after-call work ends: the state before the call (Offline is never a place to return to). */
export function afterCallWorkTarget(current: Pick<AgentStateFields, 'previous_state' | 'previous_reason'>): { state: AgentStateName; reason: string | null } {
  const state = current.previous_state;
  if (!state || state === 'offline' || state === 'on_call' || state === 'after_call_work') return { state: 'available', reason: null };
  return { state, reason: state === 'not_ready' ? current.previous_reason : null };
}

/** When after-call work that began at `since` ends by itself (ms since the epoch). */
export const afterCallWorkEndsAt = (since: string, settings: AgentStateSettings) => Date.parse(since) + settings.acw_limit_seconds * 1000;

/**
 * Whether an inbound call may ring. Available takes new calls; On call still hears a second call
 * as call waiting (the phone's own feature: the agent chooses, and the state already says busy on
 * the wallboard). Not ready, After-call work and Offline answer 486 Busy Here.
 */
export const takesInboundCalls = (state: AgentStateName | null | undefined) =>
  state === undefined || state === null || state === 'available' || state === 'on_call';
