/**
 * What a headset button does to the phone, and what the headset's lights show, as plain
 * functions of the phone's state (tested without a browser). The rules follow the HID telephony
 * usages and what Jabra's and Poly's call-control guides describe:
 * - hook switch: going off-hook answers a ringing call; going on-hook ends the call in progress
 *   (a call on hold stays). Headsets whose hook switch is a momentary button toggle the same way.
 * - phone mute: toggles the microphone of the call in progress.
 * - flash: answers a waiting call (the current one goes on hold), swaps between a held call and
 *   the current one, or holds/resumes the only call.
 * - redial: with no call, calls the last number again.
 * The lights mirror the phone, whatever changed it (a button, a click, the other party).
 */
import type { PhoneState } from '../engine';
import type { CallSnapshot } from '../phone-call';
import type { LightState } from './telephony-layout';

export type HeadsetEvent =
  | { kind: 'hook'; offHook: boolean }
  | { kind: 'hookToggle' }
  | { kind: 'muteToggle' }
  | { kind: 'mute'; muted: boolean }
  | { kind: 'flash' }
  | { kind: 'redial' };

export type PhoneCommand =
  | { kind: 'answer'; id: string }
  | { kind: 'hangup'; id: string }
  | { kind: 'mute'; id: string; muted: boolean }
  | { kind: 'hold'; id: string; hold: boolean }
  | { kind: 'dial'; number: string };

type Calls = Pick<PhoneState, 'calls' | 'recent'>;

const live = (phone: Calls) => phone.calls.filter((c) => c.phase !== 'ended');
const ringingCall = (phone: Calls) => live(phone).find((c) => c.phase === 'incoming');
/** the call the agent is on (or dialling): not ringing, not on hold */
export const currentCall = (phone: Calls): CallSnapshot | undefined => live(phone).find((c) => c.phase !== 'incoming' && !c.held);
const heldCalls = (phone: Calls) => live(phone).filter((c) => c.held);

export function commandFor(event: HeadsetEvent, phone: Calls): PhoneCommand | null {
  const ringing = ringingCall(phone);
  const current = currentCall(phone);
  switch (event.kind) {
    case 'hook':
      if (event.offHook) return ringing ? { kind: 'answer', id: ringing.id } : null;
      return current ? { kind: 'hangup', id: current.id } : null;
    case 'hookToggle':
      if (current) return { kind: 'hangup', id: current.id };
      return ringing ? { kind: 'answer', id: ringing.id } : null;
    case 'muteToggle':
      return current?.phase === 'active' ? { kind: 'mute', id: current.id, muted: !current.muted } : null;
    case 'mute':
      return current?.phase === 'active' && current.muted !== event.muted ? { kind: 'mute', id: current.id, muted: event.muted } : null;
    case 'flash': {
      if (ringing && current) return { kind: 'answer', id: ringing.id };
      const held = heldCalls(phone)[0];
      // Resuming one call holds the others (the engine keeps one conversation at a time): a swap.
      if (held) return { kind: 'hold', id: held.id, hold: false };
      return current?.phase === 'active' ? { kind: 'hold', id: current.id, hold: true } : null;
    }
    case 'redial': {
      const last = phone.recent[0];
      return live(phone).length === 0 && last ? { kind: 'dial', number: last.number } : null;
    }
  }
}

export function lightsFor(phone: Calls): LightState {
  const calls = live(phone);
  const ring = calls.some((c) => c.phase === 'incoming');
  const muted = currentCall(phone)?.muted ?? false;
  return {
    offHook: calls.some((c) => c.phase !== 'incoming'),
    ring,
    ringer: ring,
    mute: muted,
    // Some headsets show mute on the microphone light instead (Jabra and Poly both document it).
    microphone: muted,
    hold: calls.some((c) => c.held),
  };
}
