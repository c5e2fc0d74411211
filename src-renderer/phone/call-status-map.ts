/**
 * How SIP events become statuses of the one call status machine (src-shared/domain/call-status.ts).
 * The table is in docs/phone.md; keep the two in step.
 */
import type { CallStatus } from '../../src-shared/domain/call-status';

export type CallDirection = 'inbound' | 'outbound';

/** Why a call leg ended, as far as SIP told us. */
export type EndReason =
  /** we sent BYE */
  | 'hangup_local'
  /** they sent BYE */
  | 'hangup_remote'
  /** we hung up an outbound call before it was answered (CANCEL) */
  | 'cancelled'
  /** the callee or the network refused our INVITE (busy, declined, not found, timeout) */
  | 'rejected'
  /** we declined an inbound call */
  | 'declined'
  /** an inbound call rang out (no-answer timer) */
  | 'no_answer'
  /** the caller gave up before we answered */
  | 'caller_cancelled'
  /** the conversation moved to another leg: we transferred it, or we followed the other side's REFER */
  | 'transferred'
  /** another leg took this dialog over (INVITE with Replaces, attended transfer) */
  | 'replaced'
  /** media or signalling failed under a connected call */
  | 'failed';

export type CallRole = 'normal' | 'consult';

export function endStatus(direction: CallDirection, connected: boolean, reason: EndReason, role: CallRole): CallStatus {
  if (connected) {
    if (reason === 'failed') return 'failed';
    // The conversation goes on in another leg (or this leg was only the consultation for it):
    // no after-call work belongs to this one.
    if (reason === 'transferred' || reason === 'replaced' || role === 'consult') return 'completed';
    // The conversation is over: the agent writes notes and picks an outcome (wrap_up -> completed).
    return 'wrap_up';
  }
  if (direction === 'inbound') return 'missed';
  if (reason === 'cancelled') return 'cancelled';
  return 'failed';
}

/** What 'call.create' gets: an outbound INVITE is out, an inbound one is alerting. */
export const START_STATUS: CallStatus = 'ringing';

/** `SIP;cause=488;text="Not Acceptable Here"` -> `488 Not Acceptable Here`; null unless an error. */
export function byeCause(header: string | undefined): string | null {
  const sip = header?.split(',').find((r) => /^\s*SIP\s*;/i.test(r));
  const cause = Number(/cause\s*=\s*(\d{3})/i.exec(sip ?? '')?.[1]);
  if (!(cause >= 400)) return null;
  const text = /text\s*=\s*"([^"]*)"/i.exec(sip ?? '')?.[1];
  return text ? `${cause} ${text}` : String(cause);
}
