/**
 * The one call status machine, shared by both API facades, the sync push and the softphone.
 * Documented in docs/call-status.md; keep the two in step.
 */
import { z } from 'zod';

export const CALL_STATUSES = [
  'pending', // logged or queued, not yet ringing (seed 003's initial status)
  'ringing', // an inbound call is alerting, or an outbound INVITE is out
  'active', // connected
  'on_hold',
  'wrap_up', // conversation over, agent doing after-call work
  'completed',
  'missed', // inbound call never answered
  'failed', // could not be connected or dropped by the network
  'cancelled', // abandoned before it connected, or logged in error
] as const;
export const CallStatus = z.enum(CALL_STATUSES);
export type CallStatus = z.infer<typeof CallStatus>;

const TRANSITIONS: Record<CallStatus, readonly CallStatus[]> = {
  pending: ['ringing', 'active', 'completed', 'missed', 'failed', 'cancelled'],
  ringing: ['active', 'missed', 'failed', 'cancelled'],
  active: ['on_hold', 'wrap_up', 'completed', 'failed'],
  on_hold: ['active', 'wrap_up', 'completed', 'failed'],
  wrap_up: ['completed'],
  completed: [],
  missed: [],
  failed: [],
  cancelled: [],
};

/** Statuses in which the conversation is over: entering one stamps `ended_at`. */
export const CALL_ENDED_STATUSES: readonly CallStatus[] = ['wrap_up', 'completed', 'missed', 'failed', 'cancelled'];

/** Statuses a new call may be created in. */
export const CALL_INITIAL_STATUSES = ['pending', 'ringing', 'active'] as const satisfies readonly CallStatus[];

export function allowedCallTransitions(from: CallStatus): readonly CallStatus[] {
  return TRANSITIONS[from];
}

/** Staying in the same status is always allowed (idempotent PATCH). */
export function canTransitionCall(from: CallStatus, to: CallStatus): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

export function isCallEnded(status: CallStatus): boolean {
  return CALL_ENDED_STATUSES.includes(status);
}
