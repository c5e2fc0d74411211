/**
 * Where a headset's call-control buttons and lights sit in its HID reports. WebHID hands us the
 * report descriptor already parsed into collections (report id, then items in order, each
 * `reportSize` bits times `reportCount`); we walk them, count bit offsets, and keep the
 * Telephony page (0x0B) inputs and the LED page (0x08) outputs we use. Headsets differ a lot:
 * some put every light in one output report, others give each light its own report id.
 */
import type { HIDCollectionInfo, HIDDevice, HIDReportInfo, HIDReportItem } from './hid-types';

export const TELEPHONY_PAGE = 0x0b;
export const LED_PAGE = 0x08;

const usage = (page: number, id: number) => (page << 16) | id;

/** Inputs (Telephony page): what the agent presses. */
export const BUTTONS = {
  hookSwitch: usage(TELEPHONY_PAGE, 0x20),
  flash: usage(TELEPHONY_PAGE, 0x21),
  redial: usage(TELEPHONY_PAGE, 0x24),
  phoneMute: usage(TELEPHONY_PAGE, 0x2f),
} as const;

/** Outputs: the lights (LED page) and the ringer (Telephony page). */
export const LIGHTS = {
  mute: usage(LED_PAGE, 0x09),
  offHook: usage(LED_PAGE, 0x17),
  ring: usage(LED_PAGE, 0x18),
  hold: usage(LED_PAGE, 0x20),
  microphone: usage(LED_PAGE, 0x21),
  ringer: usage(TELEPHONY_PAGE, 0x9e),
} as const;

export type Button = keyof typeof BUTTONS;
export type Light = keyof typeof LIGHTS;

export interface Field {
  reportId: number;
  /** bit offset inside the report's data (after the report id byte, which WebHID strips) */
  bit: number;
  bits: number;
  /** relative: a momentary press (1 while pressed); absolute: a state (hook up or down) */
  relative: boolean;
}

export interface TelephonyLayout {
  buttons: Partial<Record<Button, Field>>;
  lights: Partial<Record<Light, Field>>;
  /** byte length of each output report we send, by report id */
  outputBytes: Map<number, number>;
}

/** The usage each of an item's `reportCount` fields carries (the last one repeats, per HID 6.2.2.8). */
function fieldUsages(item: HIDReportItem): number[] {
  const count = item.reportCount ?? 0;
  const usages = item.isRange && item.usageMinimum !== undefined && item.usageMaximum !== undefined
    ? Array.from({ length: item.usageMaximum - item.usageMinimum + 1 }, (_, i) => item.usageMinimum! + i)
    : (item.usages ?? []);
  if (usages.length === 0) return [];
  return Array.from({ length: count }, (_, i) => usages[Math.min(i, usages.length - 1)]!);
}

/** Visits every field of `reports`, continuing the bit count per report id in `length`. */
function walk(
  reports: HIDReportInfo[] | undefined,
  length: Map<number, number>,
  visit: (reportId: number, bit: number, bits: number, usage: number, item: HIDReportItem) => void,
): void {
  for (const report of reports ?? []) {
    const reportId = report.reportId ?? 0;
    let bit = length.get(reportId) ?? 0;
    for (const item of report.items ?? []) {
      const size = item.reportSize ?? 0;
      // An array item's fields hold usage indexes, not on/off bits: not a button we can read as a bit.
      if (!item.isArray) fieldUsages(item).forEach((u, i) => visit(reportId, bit + i * size, size, u, item));
      bit += size * (item.reportCount ?? 0);
    }
    length.set(reportId, bit);
  }
}

function collectionsOf(collections: readonly HIDCollectionInfo[]): HIDCollectionInfo[] {
  return collections.flatMap((c) => [c, ...collectionsOf(c.children ?? [])]);
}

/** Top-level collections on the Telephony page: a headset (0x05), a phone (0x01)... */
export function isTelephonyDevice(device: Pick<HIDDevice, 'collections'>): boolean {
  return device.collections.some((c) => c.usagePage === TELEPHONY_PAGE);
}

export function telephonyLayout(collections: readonly HIDCollectionInfo[]): TelephonyLayout {
  const layout: TelephonyLayout = { buttons: {}, lights: {}, outputBytes: new Map() };
  const buttonOf = new Map<number, Button>(Object.entries(BUTTONS).map(([k, v]) => [v, k as Button]));
  const lightOf = new Map<number, Light>(Object.entries(LIGHTS).map(([k, v]) => [v, k as Light]));
  for (const top of collections.filter((c) => c.usagePage === TELEPHONY_PAGE)) {
    // A report's fields continue across the nested collections of one top-level collection.
    const inputBits = new Map<number, number>();
    const outputBits = new Map<number, number>();
    for (const c of collectionsOf([top])) {
      walk(c.inputReports, inputBits, (reportId, bit, bits, u, item) => {
        const button = buttonOf.get(u);
        if (button && !layout.buttons[button]) layout.buttons[button] = { reportId, bit, bits, relative: item.isAbsolute === false };
      });
      walk(c.outputReports, outputBits, (reportId, bit, bits, u, item) => {
        const light = lightOf.get(u);
        if (light && !layout.lights[light]) layout.lights[light] = { reportId, bit, bits, relative: item.isAbsolute === false };
      });
    }
    for (const [id, bits] of outputBits) layout.outputBytes.set(id, Math.max(layout.outputBytes.get(id) ?? 0, Math.ceil(bits / 8)));
  }
  return layout;
}

export function readField(data: DataView, field: Field): number {
  let value = 0;
  for (let i = 0; i < field.bits; i++) {
    const bit = field.bit + i;
    const byte = bit >> 3;
    if (byte >= data.byteLength) break;
    value |= ((data.getUint8(byte) >> (bit & 7)) & 1) << i;
  }
  return value;
}

export type LightState = Record<Light, boolean>;

/** The output reports that show `state`: one buffer per report id that carries any light we know. */
export function lightReports(layout: TelephonyLayout, state: LightState): { reportId: number; data: Uint8Array<ArrayBuffer> }[] {
  const reports = new Map<number, Uint8Array<ArrayBuffer>>();
  for (const [light, field] of Object.entries(layout.lights) as [Light, Field][]) {
    const data = reports.get(field.reportId) ?? new Uint8Array(layout.outputBytes.get(field.reportId) ?? 1);
    reports.set(field.reportId, data);
    if (state[light]) data[field.bit >> 3]! |= 1 << (field.bit & 7);
  }
  return [...reports].sort(([a], [b]) => a - b).map(([reportId, data]) => ({ reportId, data }));
}
