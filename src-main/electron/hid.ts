/**
 * Wires hid-policy.ts into the session: the HID chooser, the device permission handler and the
 * remembered headsets (userData/hid-devices.json, 0600), forgotten again on `hid-device-revoked`.
 */
import type { Session } from 'electron';
import { readFileSync, writeFileSync } from 'node:fs';
import { chooseHidDevice, hidDeviceKey, isDevicePermitted } from './hid-policy';

export function allowTelephonyHid(session: Session, file: string): void {
  let remembered = new Set<string>();
  try {
    remembered = new Set(JSON.parse(readFileSync(file, 'utf8')) as string[]);
  } catch {
    // first run, or an unreadable file: nothing remembered
  }
  const save = () => writeFileSync(file, JSON.stringify([...remembered]), { mode: 0o600 });
  session.on('select-hid-device', (event, details, callback) => {
    event.preventDefault();
    const device = chooseHidDevice(details.frame?.url, details.deviceList, remembered);
    if (device) {
      remembered.add(hidDeviceKey(device));
      save();
    }
    // The telephony entry itself (a headset may be listed once per top-level collection).
    callback(device?.deviceId ?? null);
  });
  session.on('hid-device-revoked', (_event, details) => {
    remembered.delete(hidDeviceKey(details.device));
    save();
  });
  session.setDevicePermissionHandler((details) =>
    details.deviceType === 'hid' && isDevicePermitted({ deviceType: details.deviceType, origin: details.origin, device: details.device as Parameters<typeof hidDeviceKey>[0] }, remembered),
  );
}
