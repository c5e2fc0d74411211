/**
 * One headset driving the phone (headset-link.ts), against a headset whose light reports take
 * time to reach it, as over real USB (WebHID's sendReport resolves once the device has the
 * report). A headset's hook switch follows the off-hook light we send, so until that report is
 * through, the headset still reports the old hook state: a button pressed in that moment must not
 * read as the hook moving (a call answered with the mouse would be hung up). The phone is a
 * stand-in with one call; the real engine and SIP are in test/phone/headset.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { PhoneState } from '../../src-renderer/phone/engine';
import { HeadsetLink, type PhonePort } from '../../src-renderer/phone/headset/headset-link';
import type { HIDDevice } from '../../src-renderer/phone/headset/hid-types';
import type { CallSnapshot } from '../../src-renderer/phone/phone-call';
import { JABRA } from '../phone/headset/fixtures';
import { parseDescriptor } from '../phone/headset/hid-descriptor';

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

/** A Jabra (input and output report 2: hook bit 0, mute bit 2; off-hook light bit 0) whose reports wait to be delivered. */
function slowJabra() {
  const device = new EventTarget() as EventTarget & { collections: unknown; sendReport: HIDDevice['sendReport']; close(): Promise<void> };
  device.collections = parseDescriptor(JABRA.descriptor).collections;
  const inFlight: (() => void)[] = [];
  let hook = 0;
  device.sendReport = (_reportId, data) =>
    new Promise<void>((resolve) => {
      const bytes = new Uint8Array(data as ArrayBuffer);
      inFlight.push(() => {
        hook = bytes[0]! & 1; // the headset's hook follows the off-hook light
        resolve();
      });
    });
  device.close = async () => undefined;
  return {
    device: device as unknown as HIDDevice,
    /** delivers every report sent so far */
    deliver: async () => {
      await flush();
      while (inFlight.length) {
        inFlight.shift()!();
        await flush();
      }
    },
    /** the headset sends its input report: the hook switch (bit 0) flipped, or a momentary button down then up */
    press: (bit: number) => {
      if (bit === 0) hook ^= 1;
      for (const bits of bit === 0 ? [hook] : [hook | (1 << bit), hook]) {
        const event = new Event('inputreport');
        Object.defineProperties(event, { reportId: { value: 2 }, data: { value: new DataView(new Uint8Array([bits]).buffer) } });
        device.dispatchEvent(event);
      }
    },
  };
}

function phone(calls: Partial<CallSnapshot>[]) {
  const commands: string[] = [];
  const listeners = new Set<(s: PhoneState) => void>();
  let state = { registration: {}, calls, recent: [], ringing: null } as unknown as PhoneState;
  const port: PhonePort = {
    get snapshot() {
      return state;
    },
    subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
    answer: async (id) => void commands.push(`answer ${id}`),
    hangup: async (id) => void commands.push(`hangup ${id}`),
    setMuted: (id, muted) => void commands.push(`mute ${id} ${muted}`),
    setHold: async (id, hold) => void commands.push(`hold ${id} ${hold}`),
    dial: async (n) => void commands.push(`dial ${n}`),
  };
  const set = (next: Partial<CallSnapshot>[]) => {
    state = { ...state, calls: next as CallSnapshot[] };
    listeners.forEach((l) => l(state));
  };
  return { port, commands, set };
}

describe('a headset whose lights take time to arrive', () => {
  it('a button pressed before the off-hook light reached it is that button, not the hook going down', async () => {
    const hs = slowJabra();
    const ringing = { id: 'c1', phase: 'incoming' as const, held: false, muted: false };
    const p = phone([ringing]);
    const errors: string[] = [];
    const link = new HeadsetLink(hs.device, p.port, (m) => errors.push(m));
    await hs.deliver();

    // Answered with the mouse: the off-hook light is on its way, the headset still on-hook.
    p.set([{ ...ringing, phase: 'active' }]);
    await flush();
    hs.press(2); // phone mute, with the hook bit still 0
    await hs.deliver();
    await flush();
    expect(p.commands).toEqual(['mute c1 true']);

    // Once the light is through, the hook switch reads as it should: pressed, it hangs up.
    await hs.deliver();
    hs.press(0);
    await flush();
    await hs.deliver();
    expect(p.commands).toEqual(['mute c1 true', 'hangup c1']);
    expect(errors).toEqual([]);
    await link.close();
  });
});
