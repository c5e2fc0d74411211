/**
 * The one entry point for "call this number" (patient cards, task rows, the log dialog).
 * Today it logs an outbound call through the contract and opens it; the softphone work
 * extends this to dial the number with SIP.js and keep the call's status in step.
 */
import type { CallRead } from '../src-shared/schemas/calls';
import { useCalls } from './stores/calls';
import { useUi } from './stores/ui';

export interface CallContext {
  patient_id?: string | null;
  /** the task being worked, so the call can be linked from it later */
  task_id?: string | null;
  notes?: string;
}

export type PlaceCallHook = (number: string, context: CallContext, call: CallRead) => void | Promise<void>;

let dialer: PlaceCallHook | null = null;

/** The softphone registers how to dial; it is called after the call has been logged. */
export function setDialer(hook: PlaceCallHook | null): void {
  dialer = hook;
}

export async function placeCall(number: string, context: CallContext = {}): Promise<CallRead> {
  const call = await useCalls.getState().start({
    direction: 'outbound',
    phone_number: number,
    status: 'active',
    patient_id: context.patient_id ?? null,
    ...(context.notes ? { notes: context.notes } : {}),
    ...(context.task_id ? { metadata: { task_id: context.task_id } } : {}),
  });
  useUi.getState().navigate('calls');
  if (dialer) await dialer(number, context, call);
  return call;
}

/** React-friendly alias so components read `const call = usePlaceCall()`. */
export function usePlaceCall(): typeof placeCall {
  return placeCall;
}
