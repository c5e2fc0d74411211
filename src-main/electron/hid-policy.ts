/**
 * Which HID devices the page may use, as plain functions tested under Node. WebHID is for the
 * headset's call buttons only (docs/phone.md): our page may ask for telephony devices (a
 * top-level collection on the Telephony page, 0x0B); the shell answers the chooser with one of
 * those (pairing a new one first) and remembers it, and a device permission is granted only for a
 * remembered telephony device to our own page. Keyboards, security keys, anything else: never.
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
 * Answers `select-hid-device` ("Connect headset" in the phone settings): a telephony headset not
 * paired yet, else one paired before, else nothing; only our page may ask. Electron has no chooser
 * of its own, so this one pairs headsets one at a time: with two plugged in, pressing Connect
 * headset again pairs the second, and the agent picks the active one in the phone settings' list
 * (the page remembers it), where every paired headset is shown.
 */
export function chooseHidDevice(requestingUrl: string | undefined, offered: readonly HidDeviceLike[], remembered: ReadonlySet<string>): HidDeviceLike | null {
  if (!isAppUrl(requestingUrl)) return null;
  const telephony = offered.filter(isTelephonyHid);
  return telephony.find((d) => !remembered.has(hidDeviceKey(d))) ?? telephony[0] ?? null;
}

/** Answers `setDevicePermissionHandler`. */
export function isDevicePermitted(ask: { deviceType: string; origin: string; device: HidDeviceLike }, remembered: ReadonlySet<string>): boolean {
  return ask.deviceType === 'hid' && isAppUrl(ask.origin) && isTelephonyHid(ask.device) && remembered.has(hidDeviceKey(ask.device));
}
