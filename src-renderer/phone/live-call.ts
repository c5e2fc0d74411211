/**
 * Which call-log records the softphone is handling right now. Such a record's status follows the
 * real SIP events, so the call views must not offer manual status changes that would contradict
 * them ("End call" while the patient is still on the line).
 */
import type { CallRead } from '../../src-shared/schemas/calls';
import type { CallSnapshot } from './phone-call';
import { usePhone } from './store';

type RecordRef = Pick<CallRead, 'id' | 'metadata'>;

/** The live leg writing to `record`: same SIP Call-ID (metadata.sip_call_id), or same record id. */
export function liveLegFor(calls: readonly CallSnapshot[], record: RecordRef): CallSnapshot | null {
  const sipCallId = typeof record.metadata.sip_call_id === 'string' ? record.metadata.sip_call_id : null;
  return calls.find((c) => (sipCallId !== null && c.sipCallId === sipCallId) || c.recordId === record.id) ?? null;
}

export function useLiveLeg(record: RecordRef): CallSnapshot | null {
  return usePhone((s) => liveLegFor(s.phone.calls, record));
}

export function useIsOnPhone(record: RecordRef): boolean {
  return usePhone((s) => liveLegFor(s.phone.calls, record) !== null);
}

/** What the phone is doing with the call, for the call detail. */
export function liveLegText(leg: CallSnapshot): string {
  if (leg.phase === 'incoming') return 'Ringing on your phone: answer or decline it in the phone panel.';
  if (leg.phase === 'dialing' || leg.phase === 'alerting' || leg.phase === 'connecting') return 'Calling on your phone: hang up in the phone panel.';
  if (leg.held) return 'On hold on your phone: resume, transfer or hang up in the phone panel.';
  return 'On your phone: hold, transfer and hang up in the phone panel.';
}
