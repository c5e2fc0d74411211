/**
 * The one entry point for "call this number" (patient cards, tasks, the call log, numbers in
 * notes, tel: links).
 * With the softphone configured it dials with SIP.js, which logs the call from its real SIP
 * events (src-renderer/phone); without it, it logs an outbound call for a desk phone and opens it.
 */
import type { CallRead } from '../src-shared/schemas/calls';
import { asBridgeError } from './bridge';
import { useCalls } from './stores/calls';
import { useUi } from './stores/ui';

export interface CallContext {
  patient_id?: string | null;
  /** the task being worked, so the call can be linked from it later */
  task_id?: string | null;
  notes?: string;
}

/** Dials and resolves with the call record it logged (null when the number could not be logged). */
export type PlaceCallHook = (number: string, context: CallContext) => Promise<CallRead | null>;

let dialer: PlaceCallHook | null = null;

/** The softphone registers how to dial while it is configured. */
export function setDialer(hook: PlaceCallHook | null): void {
  dialer = hook;
}

/** Whether "call this number" dials with the softphone (else it logs a desk-phone call). */
export function hasDialer(): boolean {
  return dialer !== null;
}

export async function placeCall(number: string, context: CallContext = {}): Promise<CallRead | null> {
  if (dialer) {
    useUi.getState().navigate('calls');
    return dialer(number, context);
  }
  const call = await useCalls.getState().start({
    direction: 'outbound',
    phone_number: number,
    status: 'active',
    patient_id: context.patient_id ?? null,
    ...(context.notes ? { notes: context.notes } : {}),
    ...(context.task_id ? { metadata: { task_id: context.task_id } } : {}),
  });
  useUi.getState().navigate('calls');
  return call;
}

/**
 * For call buttons: never throws. The softphone shows its own failures in the phone panel; a
 * desk-phone call that could not be logged becomes an error notice.
 */
export function callFromButton(number: string, context: CallContext = {}): void {
  const viaPhone = dialer !== null;
  placeCall(number, context).catch((err: unknown) => {
    if (!viaPhone) useUi.getState().toast(`Could not log the call to ${number}: ${asBridgeError(err).message}`, 'error');
  });
}

/** React-friendly alias so components read `const call = usePlaceCall()`. */
export function usePlaceCall(): typeof placeCall {
  return placeCall;
}
