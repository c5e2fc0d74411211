/**
 * Headset call control without a browser: the telephony layout the app finds in the collections
 * WebHID gives it (checked against an independent parse of the same descriptors), the light
 * reports it sends, the button events it reads, and what each button does in each phone state.
 */
import { describe, expect, it } from 'vitest';
import type { PhoneState } from '../../src-renderer/phone/engine';
import { eventsFrom } from '../../src-renderer/phone/headset/headset-link';
import { commandFor, lightsFor } from '../../src-renderer/phone/headset/headset-policy';
import { BUTTONS, LIGHTS, isTelephonyDevice, lightReports, telephonyLayout, type Button, type Light } from '../../src-renderer/phone/headset/telephony-layout';
import type { CallSnapshot } from '../../src-renderer/phone/phone-call';
import { HEADSETS, JABRA, POLY } from '../phone/headset/fixtures';
import { parseDescriptor } from '../phone/headset/hid-descriptor';

const layoutOf = (fixture: typeof JABRA) => telephonyLayout(parseDescriptor(fixture.descriptor).collections);
const OFF: Record<Light, boolean> = { offHook: false, ring: false, ringer: false, mute: false, microphone: false, hold: false };

describe('the telephony layout of real headsets', () => {
  it.each(HEADSETS)('$name: every button and light the app uses sits where the descriptor says', (fixture) => {
    const parsed = parseDescriptor(fixture.descriptor);
    const layout = telephonyLayout(parsed.collections);
    expect(isTelephonyDevice({ collections: parsed.collections })).toBe(true);
    for (const [button, usage] of Object.entries(BUTTONS) as [Button, number][]) {
      const field = parsed.fields.find((f) => f.kind === 'input' && f.usage === usage)!;
      expect(layout.buttons[button], button).toEqual({ reportId: field.reportId, bit: field.bit, bits: 1, relative: field.relative });
    }
    for (const [light, usage] of Object.entries(LIGHTS) as [Light, number][]) {
      const field = parsed.fields.find((f) => f.kind === 'output' && f.usage === usage);
      expect(layout.lights[light], light).toEqual(field && { reportId: field.reportId, bit: field.bit, bits: 1, relative: false });
    }
    expect(layout.outputBytes).toEqual(parsed.outputBytes);
  });

  it('Jabra: one input and one 2-byte output report (id 2), as published for the device', () => {
    const layout = layoutOf(JABRA);
    expect(layout.buttons).toEqual({
      hookSwitch: { reportId: 2, bit: 0, bits: 1, relative: false },
      phoneMute: { reportId: 2, bit: 2, bits: 1, relative: true },
      flash: { reportId: 2, bit: 3, bits: 1, relative: true },
      redial: { reportId: 2, bit: 4, bits: 1, relative: true },
    });
    expect(Object.fromEntries(Object.entries(layout.lights).map(([k, f]) => [k, [f.reportId, f.bit]]))).toEqual({
      offHook: [2, 0], mute: [2, 1], ring: [2, 2], hold: [2, 3], microphone: [2, 4], ringer: [2, 5],
    });
    // ringing: ring LED and ringer on, in the one report
    expect(lightReports(layout, { ...OFF, ring: true, ringer: true })).toEqual([{ reportId: 2, data: new Uint8Array([0b100100, 0]) }]);
  });

  it('Poly: a light per output report, each sent as its own report', () => {
    const layout = layoutOf(POLY);
    expect(layout.buttons.hookSwitch).toEqual({ reportId: 1, bit: 0, bits: 1, relative: false });
    expect(layout.buttons.phoneMute).toEqual({ reportId: 1, bit: 1, bits: 1, relative: true });
    const inCallMuted = lightReports(layout, { ...OFF, offHook: true, mute: true, microphone: true });
    expect(inCallMuted).toEqual([
      { reportId: 1, data: new Uint8Array([0]) },
      { reportId: 3, data: new Uint8Array([0b101]) },
      { reportId: 4, data: new Uint8Array([1]) },
      { reportId: 5, data: new Uint8Array([0]) },
    ]);
  });

  it('ignores the consumer-control collection (its Mute is the speaker, not the call)', () => {
    const consumerOnly = parseDescriptor(JABRA.descriptor.slice(0, JABRA.descriptor.indexOf(0xc0) + 1));
    expect(isTelephonyDevice({ collections: consumerOnly.collections })).toBe(false);
    expect(telephonyLayout(consumerOnly.collections)).toEqual({ buttons: {}, lights: {}, outputBytes: new Map() });
  });
});

describe('reading button reports', () => {
  const report = (...bytes: number[]) => new DataView(new Uint8Array(bytes).buffer);

  it('an absolute hook switch reports its state; relative buttons report presses', () => {
    const layout = layoutOf(JABRA);
    const previous = new Map<Button, number>();
    expect(eventsFrom(layout, 2, report(0b1), previous)).toEqual([{ kind: 'hook', offHook: true }]);
    expect(eventsFrom(layout, 2, report(0b101), previous)).toEqual([{ kind: 'muteToggle' }]);
    expect(eventsFrom(layout, 2, report(0b1), previous)).toEqual([]); // mute released
    expect(eventsFrom(layout, 2, report(0b1001), previous)).toEqual([{ kind: 'flash' }]);
    expect(eventsFrom(layout, 2, report(0b10000), previous)).toEqual([{ kind: 'hook', offHook: false }, { kind: 'redial' }]);
    expect(eventsFrom(layout, 1, report(0xff), previous)).toEqual([]); // the consumer report is not ours
  });

  it('a momentary hook button toggles', () => {
    const layout = layoutOf(JABRA);
    layout.buttons.hookSwitch = { ...layout.buttons.hookSwitch!, relative: true };
    const previous = new Map<Button, number>();
    expect(eventsFrom(layout, 2, report(1), previous)).toEqual([{ kind: 'hookToggle' }]);
    expect(eventsFrom(layout, 2, report(0), previous)).toEqual([]);
  });
});

describe('what the buttons do and what the lights show', () => {
  let n = 0;
  const call = (o: Partial<CallSnapshot>): CallSnapshot => ({ id: `c${++n}`, phase: 'active', held: false, muted: false, number: '+442079460101', ...o }) as CallSnapshot;
  const phone = (calls: CallSnapshot[], recent: CallSnapshot[] = []): Pick<PhoneState, 'calls' | 'recent'> => ({ calls, recent });

  it('hook switch: off-hook answers a ringing call, on-hook ends the call in progress and leaves a held one', () => {
    const ringing = call({ phase: 'incoming' });
    expect(commandFor({ kind: 'hook', offHook: true }, phone([ringing]))).toEqual({ kind: 'answer', id: ringing.id });
    expect(commandFor({ kind: 'hook', offHook: true }, phone([]))).toBeNull();
    const active = call({});
    expect(commandFor({ kind: 'hook', offHook: false }, phone([active]))).toEqual({ kind: 'hangup', id: active.id });
    expect(commandFor({ kind: 'hook', offHook: false }, phone([call({ held: true })]))).toBeNull();
    const dialling = call({ phase: 'alerting' });
    expect(commandFor({ kind: 'hookToggle' }, phone([dialling]))).toEqual({ kind: 'hangup', id: dialling.id });
  });

  it('mute toggles the call in progress only', () => {
    const active = call({ muted: false });
    expect(commandFor({ kind: 'muteToggle' }, phone([active]))).toEqual({ kind: 'mute', id: active.id, muted: true });
    expect(commandFor({ kind: 'muteToggle' }, phone([call({ phase: 'incoming' })]))).toBeNull();
    expect(commandFor({ kind: 'mute', muted: false }, phone([active]))).toBeNull();
  });

  it('flash answers a waiting call, swaps with a held one, or holds and resumes', () => {
    const active = call({});
    const waiting = call({ phase: 'incoming', waiting: true });
    expect(commandFor({ kind: 'flash' }, phone([active, waiting]))).toEqual({ kind: 'answer', id: waiting.id });
    const held = call({ held: true });
    expect(commandFor({ kind: 'flash' }, phone([held, active]))).toEqual({ kind: 'hold', id: held.id, hold: false });
    expect(commandFor({ kind: 'flash' }, phone([active]))).toEqual({ kind: 'hold', id: active.id, hold: true });
    expect(commandFor({ kind: 'flash' }, phone([held]))).toEqual({ kind: 'hold', id: held.id, hold: false });
  });

  it('redial calls the last number when the phone is idle', () => {
    expect(commandFor({ kind: 'redial' }, phone([], [call({ phase: 'ended', number: '+441632960001' })]))).toEqual({ kind: 'dial', number: '+441632960001' });
    expect(commandFor({ kind: 'redial' }, phone([call({})], [call({ phase: 'ended' })]))).toBeNull();
    expect(commandFor({ kind: 'redial' }, phone([]))).toBeNull();
  });

  it('the lights follow the phone: ringing, in call, muted, on hold, idle', () => {
    expect(lightsFor(phone([]))).toEqual(OFF);
    expect(lightsFor(phone([call({ phase: 'incoming' })]))).toEqual({ ...OFF, ring: true, ringer: true });
    expect(lightsFor(phone([call({ muted: true })]))).toEqual({ ...OFF, offHook: true, mute: true, microphone: true });
    expect(lightsFor(phone([call({ held: true })]))).toEqual({ ...OFF, offHook: true, hold: true });
    expect(lightsFor(phone([call({}), call({ phase: 'incoming', waiting: true })]))).toEqual({ ...OFF, offHook: true, ring: true, ringer: true });
  });
});
