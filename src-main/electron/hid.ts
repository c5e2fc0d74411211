/**
 * Wires hid-policy.ts into the session: the HID chooser (a question naming each headset when
 * several are plugged in), the device permission handler and the remembered headsets
 * (userData/hid-devices.json, 0600), forgotten again on `hid-device-revoked`.
 */
import { BrowserWindow, dialog, webContents, type Session } from 'electron';
import { readFileSync, writeFileSync } from 'node:fs';
import { chosenHid, hidChoices, hidChooser, hidDeviceKey, isDevicePermitted, type HidDeviceLike } from './hid-policy';

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
    const answer = (device: HidDeviceLike | null) => {
      if (device) {
        remembered.add(hidDeviceKey(device));
        save();
      }
      // The telephony entry itself (a headset may be listed once per top-level collection).
      callback(device?.deviceId ?? null);
    };
    const choices = hidChoices(details.frame?.url, details.deviceList);
    const decision = hidChooser(choices, remembered);
    if ('pick' in decision) {
      answer(decision.pick);
      return;
    }
    // The callback may answer later: the page's requestDevice() waits for the agent's choice.
    const contents = details.frame ? webContents.fromFrame(details.frame) : undefined;
    const parent = contents ? BrowserWindow.fromWebContents(contents) : null;
    const options = { type: 'question' as const, noLink: true, ...decision.ask };
    void (parent ? dialog.showMessageBox(parent, options) : dialog.showMessageBox(options)).then(
      ({ response }) => answer(chosenHid(choices, response)),
      () => answer(null),
    );
  });
  session.on('hid-device-revoked', (_event, details) => {
    remembered.delete(hidDeviceKey(details.device));
    save();
  });
  session.setDevicePermissionHandler((details) =>
    details.deviceType === 'hid' && isDevicePermitted({ deviceType: details.deviceType, origin: details.origin, device: details.device as HidDeviceLike }, remembered),
  );
}
