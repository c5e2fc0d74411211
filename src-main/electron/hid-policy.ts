/**
 * Which HID devices the page may use, as plain functions tested under Node. WebHID is for the
 * headset's call buttons only (docs/phone.md): our page may ask for telephony devices (a
 * top-level collection on the Telephony page, 0x0B); the shell answers the chooser with one of
 * those (asking the agent which when there are several) and remembers it, and a device permission
 * is granted only for a remembered telephony device to our own page. Keyboards, security keys, anything else: never.
 */
import { isAppUrl } from './security-policy';

export const TELEPHONY_USAGE_PAGE = 0x0b;

export interface HidDeviceLike {
  deviceId?: string;
  vendorId: number;
  productId: number;
  serialNumber?: string;
  name?: string;
  collections?: readonly { usagePage: number }[];
}

export function isTelephonyHid(device: HidDeviceLike): boolean {
  return (device.collections ?? []).some((c) => c.usagePage === TELEPHONY_USAGE_PAGE);
}

/** A stable name for a device across plug-ins (deviceId changes each time). */
export function hidDeviceKey(device: HidDeviceLike): string {
  return `${device.vendorId}:${device.productId}:${device.serialNumber ?? ''}`;
}

/**
 * What "Connect headset" (`select-hid-device`) offers: for our page only, the telephony devices,
 * one entry per headset (a device is listed once per top-level collection; we keep the
 * telephony one, whose id the page must get back).
 */
export function hidChoices(requestingUrl: string | undefined, offered: readonly HidDeviceLike[]): HidDeviceLike[] {
  if (!isAppUrl(requestingUrl)) return [];
  const byKey = new Map<string, HidDeviceLike>();
  for (const device of offered.filter(isTelephonyHid)) if (!byKey.has(hidDeviceKey(device))) byKey.set(hidDeviceKey(device), device);
  return [...byKey.values()];
}

/** The shell's chooser for several headsets: a question with one button per headset, then Cancel. */
export interface HidChooserDialog {
  message: string;
  detail: string;
  buttons: string[];
  /** the first headset not paired yet (the one just plugged in, most likely) */
  defaultId: number;
  cancelId: number;
}

/**
 * Answers `select-hid-device`: nothing to offer, or exactly one headset, needs no question (the
 * agent pressed Connect headset with it plugged in); several are put to the agent in a small
 * dialog naming each (Electron has no chooser of its own, and picking one for them pairs the
 * wrong headset half the time). The agent then picks the active one in the phone settings' list.
 */
export function hidChooser(choices: readonly HidDeviceLike[], remembered: ReadonlySet<string>): { pick: HidDeviceLike | null } | { ask: HidChooserDialog } {
  if (choices.length <= 1) return { pick: choices[0] ?? null };
  const label = (d: HidDeviceLike) => `${d.name || `Headset ${d.vendorId.toString(16).padStart(4, '0')}:${d.productId.toString(16).padStart(4, '0')}`}${remembered.has(hidDeviceKey(d)) ? ' (paired)' : ''}`;
  const firstNew = choices.findIndex((d) => !remembered.has(hidDeviceKey(d)));
  return {
    ask: {
      message: 'Connect which headset?',
      detail: "Its answer, hang-up and mute buttons will control the phone. You can connect the others too and pick the one in use in the phone settings.",
      buttons: [...choices.map(label), 'Cancel'],
      defaultId: Math.max(firstNew, 0),
      cancelId: choices.length,
    },
  };
}

/** The headset the agent chose with the dialog's button `response` (Cancel or a closed dialog: none). */
export function chosenHid(choices: readonly HidDeviceLike[], response: number): HidDeviceLike | null {
  return choices[response] ?? null;
}

/** Answers `setDevicePermissionHandler`. */
export function isDevicePermitted(ask: { deviceType: string; origin: string; device: HidDeviceLike }, remembered: ReadonlySet<string>): boolean {
  return ask.deviceType === 'hid' && isAppUrl(ask.origin) && isTelephonyHid(ask.device) && remembered.has(hidDeviceKey(ask.device));
}
