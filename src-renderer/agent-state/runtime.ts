/**
 * Drives the agent's state from what happens (docs/agent-states.md): Available at sign-in, On call
 * when the phone connects a call (real SIP events), After-call work when the last call ends, and
 * back to the state before the call when the outcome is set or the organization's limit passes.
 * Each change is stamped with the moment it happened, so it keeps that time when it syncs later.
 */
import { afterCallWorkEndsAt, afterCallWorkTarget, takesInboundCalls } from '../../src-shared/domain/agent-state';
import { on } from '../bridge';
import type { PhoneState } from '../phone/engine';
import { usePhone } from '../phone/store';
import { useCalls } from '../stores/calls';
import { useAgentState } from './store';

const iso = (ms: number) => new Date(ms).toISOString();

/** For the phone: whether a new inbound call may ring (else 486 Busy Here, logged as missed). */
export const admitsInbound = (): boolean => takesInboundCalls(useAgentState.getState().mine?.state ?? 'available');

/** On call while any call is connected; wrap-up when the last one ends. */
export function followPhone(phone: PhoneState, before: PhoneState | null): void {
  const { mine, set } = useAgentState.getState();
  const connected = phone.calls.filter((c) => c.connectedAt !== null && c.phase !== 'ended');
  if (connected.length && mine?.state !== 'on_call') {
    const first = connected[0]!;
    void set('on_call', null, { at: iso(first.connectedAt!), call_id: first.recordId });
    return;
  }
  // The call's record exists a moment after it connects: name it once it does.
  const first = connected[0];
  if (first?.recordId && mine?.state === 'on_call' && !mine.call_id && first.connectedAt !== null) {
    void set('on_call', null, { at: iso(first.connectedAt), call_id: first.recordId });
    return;
  }
  const hadCall = before?.calls.some((c) => c.connectedAt !== null && c.phase !== 'ended');
  // The wrap-up names its call too, so the history (handle time = talk + wrap-up) can join them.
  if (!connected.length && hadCall && mine?.state === 'on_call') void set('after_call_work', null, { at: iso(Date.now()), call_id: mine.call_id });
}

/** Ends after-call work: the limit passed (stamped with when it passed) or the outcome was set. */
export function checkAfterCallWork(now = Date.now()): void {
  const { mine, settings, set } = useAgentState.getState();
  if (mine?.state !== 'after_call_work') return;
  const call = mine.call_id ? useCalls.getState().byId[mine.call_id] : undefined;
  const done = call && (call.status === 'completed' || call.outcome !== null);
  const endsAt = afterCallWorkEndsAt(mine.since, settings);
  if (!done && now < endsAt) return;
  const target = afterCallWorkTarget(mine);
  void set(target.state, target.reason, { at: iso(done ? now : endsAt) });
}

/**
 * The server set this desktop Offline while it could not hear it (docs/agent-states.md, "A
 * desktop that disappears") and it is back: return to the state it had. Sign-out's own Offline
 * has no previous state and stays.
 */
export function returnFromUnreachable(): void {
  const { mine, settings, set } = useAgentState.getState();
  if (mine?.state !== 'offline' || !mine.previous_state) return;
  const back = mine.previous_state;
  const reason = back === 'not_ready' && mine.previous_reason && settings.not_ready_reasons.includes(mine.previous_reason) ? mine.previous_reason : null;
  if (back === 'not_ready' && reason) void set('not_ready', reason);
  else void set('available');
}

/** Runs while signed in; returns the stop function. */
export function startAgentState(): () => void {
  const store = useAgentState.getState();
  void store.load().then(() => {
    const { mine } = useAgentState.getState();
    if (!mine || mine.state === 'offline') void useAgentState.getState().set('available');
  });
  let lastPhone: PhoneState | null = usePhone.getState().phone;
  const offs = [
    on('data.changed', (p) => {
      if (p.entities.includes('agent_state')) void useAgentState.getState().load().then(returnFromUnreachable);
      if (p.entities.includes('call')) checkAfterCallWork();
    }),
    usePhone.subscribe((s) => {
      if (s.phone === lastPhone) return;
      const before = lastPhone;
      lastPhone = s.phone;
      followPhone(s.phone, before);
    }),
    useCalls.subscribe(() => checkAfterCallWork()),
  ];
  const timer = setInterval(() => checkAfterCallWork(), 1000);
  return () => {
    clearInterval(timer);
    offs.forEach((off) => off());
  };
}
