/**
 * A simulated headset behind the WebHID interface, installed in the page before the app loads
 * (`context.addInitScript`): `navigator.hid` with getDevices/requestDevice and connect/disconnect
 * events, and HIDDevice objects (open, close, sendReport, inputreport events) built from a real
 * headset's report descriptor (fixtures.ts, parsed by hid-descriptor.ts). Like Jabra's and Poly's
 * headsets, its hook switch follows the host's off-hook light, and a press sends a report with
 * the button set (then a release for momentary buttons). The test drives it through
 * `window.__fakeHid` and reads every output report the app sent.
 */
import type { Page } from 'playwright-core';
import type { HeadsetFixture } from './fixtures';
import { parseDescriptor } from './hid-descriptor';

export const USAGE = {
  hookSwitch: 0x0b0020,
  phoneMute: 0x0b002f,
  flash: 0x0b0021,
  redial: 0x0b0024,
  offHook: 0x080017,
  ring: 0x080018,
  mute: 0x080009,
  hold: 0x080020,
} as const;

export interface HeadsetSpec {
  key: string;
  productName: string;
  vendorId: number;
  productId: number;
  collections: unknown[];
  fields: { kind: 'input' | 'output'; reportId: number; bit: number; bits: number; usage: number; relative: boolean }[];
  inputBytes: [number, number][];
}

export function headsetSpec(fixture: HeadsetFixture): HeadsetSpec {
  const parsed = parseDescriptor(fixture.descriptor);
  return {
    key: `${fixture.vendorId}:${fixture.productId}`,
    productName: fixture.name,
    vendorId: fixture.vendorId,
    productId: fixture.productId,
    collections: parsed.collections,
    fields: parsed.fields,
    inputBytes: [...parsed.inputBytes],
  };
}

/** Runs in the page (serialised by Playwright): no imports, no closures over Node values. */
export function installFakeHid(): void {
  interface Spec {
    key: string;
    productName: string;
    vendorId: number;
    productId: number;
    collections: { usagePage: number }[];
    fields: { kind: string; reportId: number; bit: number; bits: number; usage: number; relative: boolean }[];
    inputBytes: [number, number][];
  }
  const OFF_HOOK = 0x080017;
  const HOOK = 0x0b0020;
  const w = globalThis as any;
  const plugged = new Map<string, FakeDevice>();
  const granted = new Set<string>();
  const sent: Record<string, { reportId: number; bytes: number[]; at: number }[]> = {};
  const hook: Record<string, number> = {};

  class FakeDevice extends EventTarget {
    opened = false;
    readonly vendorId: number;
    readonly productId: number;
    readonly productName: string;
    readonly collections: unknown[];
    constructor(readonly spec: Spec) {
      super();
      this.vendorId = spec.vendorId;
      this.productId = spec.productId;
      this.productName = spec.productName;
      this.collections = spec.collections;
    }
    async open() {
      if (plugged.get(this.spec.key) !== this) throw new DOMException('The device was disconnected.', 'NotFoundError');
      this.opened = true;
    }
    async close() {
      this.opened = false;
    }
    async sendReport(reportId: number, data: ArrayBufferView | ArrayBuffer) {
      if (!this.opened || plugged.get(this.spec.key) !== this) throw new DOMException('The device must be opened first.', 'InvalidStateError');
      const view = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      const bytes = Array.from(view);
      (sent[this.spec.key] ??= []).push({ reportId, bytes, at: performance.now() });
      const offHook = this.spec.fields.find((f) => f.kind === 'output' && f.usage === OFF_HOOK && f.reportId === reportId);
      if (offHook) hook[this.spec.key] = ((bytes[offHook.bit >> 3] ?? 0) >> (offHook.bit & 7)) & 1;
    }
    emit(reportId: number, set: Map<number, number>) {
      const length = new Map(this.spec.inputBytes).get(reportId) ?? 1;
      const bytes = new Uint8Array(length);
      for (const f of this.spec.fields) {
        if (f.kind !== 'input' || f.reportId !== reportId) continue;
        const value = f.usage === HOOK && !f.relative ? (hook[this.spec.key] ?? 0) : (set.get(f.usage) ?? 0);
        if (value) bytes[f.bit >> 3]! |= 1 << (f.bit & 7);
      }
      const event = new Event('inputreport');
      Object.defineProperties(event, { device: { value: this }, reportId: { value: reportId }, data: { value: new DataView(bytes.buffer) } });
      this.dispatchEvent(event);
    }
  }

  const hid = new EventTarget() as EventTarget & Record<string, unknown>;
  const connection = (type: string, device: FakeDevice) => {
    const event = new Event(type);
    Object.defineProperty(event, 'device', { value: device });
    hid.dispatchEvent(event);
  };
  hid.getDevices = async () => [...plugged.values()].filter((d) => granted.has(d.spec.key));
  // The browser's chooser, with the agent picking the first headset not paired yet.
  hid.requestDevice = async ({ filters }: { filters: { usagePage?: number }[] }) => {
    const fits = (d: FakeDevice) => filters.some((f) => f.usagePage === undefined || d.spec.collections.some((c) => c.usagePage === f.usagePage));
    const choice = [...plugged.values()].filter(fits).sort((a, b) => Number(granted.has(a.spec.key)) - Number(granted.has(b.spec.key)))[0];
    if (!choice) throw new DOMException('No device selected.', 'NotFoundError');
    granted.add(choice.spec.key);
    return [choice];
  };
  Object.defineProperty(w.Navigator.prototype, 'hid', { configurable: true, get: () => hid });

  w.__fakeHid = {
    plug(spec: Spec) {
      const device = new FakeDevice(spec);
      plugged.set(spec.key, device);
      if (granted.has(spec.key)) connection('connect', device);
    },
    unplug(key: string) {
      const device = plugged.get(key);
      plugged.delete(key);
      hook[key] = 0;
      if (device) {
        device.opened = false;
        if (granted.has(key)) connection('disconnect', device);
      }
    },
    /** one press (and release, for a momentary button) of the button with this usage */
    press(key: string, usage: number) {
      const device = plugged.get(key);
      if (!device) throw new Error(`${key} is not plugged in`);
      const field = device.spec.fields.find((f) => f.kind === 'input' && f.usage === usage);
      if (!field) throw new Error(`${key} has no button ${usage.toString(16)}`);
      if (usage === HOOK && !field.relative) {
        hook[key] = hook[key] ? 0 : 1;
        device.emit(field.reportId, new Map());
        return performance.now();
      }
      device.emit(field.reportId, new Map([[usage, 1]]));
      device.emit(field.reportId, new Map());
      return performance.now();
    },
    /** the state of a light as the app last set it (null: never sent) */
    light(key: string, usage: number) {
      const spec = plugged.get(key)?.spec;
      const field = spec?.fields.find((f) => f.kind === 'output' && f.usage === usage);
      const last = field && [...(sent[key] ?? [])].reverse().find((r) => r.reportId === field.reportId);
      return field && last ? ((last.bytes[field.bit >> 3] ?? 0) >> (field.bit & 7)) & 1 : null;
    },
    sent: (key: string) => sent[key] ?? [],
  };
}

/** Page-side helpers for a test. */
export function fakeHid(page: Page) {
  return {
    plug: (spec: HeadsetSpec) => page.evaluate((s) => (globalThis as any).__fakeHid.plug(s), spec),
    unplug: (spec: HeadsetSpec) => page.evaluate((k) => (globalThis as any).__fakeHid.unplug(k), spec.key),
    press: (spec: HeadsetSpec, usage: number) => page.evaluate(([k, u]) => (globalThis as any).__fakeHid.press(k, u) as number, [spec.key, usage] as const),
    light: (spec: HeadsetSpec, usage: number) => page.evaluate(([k, u]) => (globalThis as any).__fakeHid.light(k, u) as number | null, [spec.key, usage] as const),
    sentCount: (spec: HeadsetSpec) => page.evaluate((k) => (globalThis as any).__fakeHid.sent(k).length as number, spec.key),
  };
}
