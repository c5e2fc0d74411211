/**
 * The Electron shell's HID decisions (issue 14): "Connect headset" offers our page telephony
 * headsets only, one entry per headset; one headset is paired at once, several are put to the
 * agent in a dialog naming each (the first one not paired yet preselected); a device permission
 * needs our page, a telephony device and a remembered choice.
 */
import { describe, expect, it } from 'vitest';
import { chosenHid, hidChoices, hidChooser, hidDeviceKey, isDevicePermitted, isTelephonyHid } from '../../src-main/electron/hid-policy';
import { APP_ORIGIN, isPermissionGranted } from '../../src-main/electron/security-policy';

const jabra = { deviceId: 'd1', vendorId: 0x0b0e, productId: 0x24c8, serialNumber: 'A1', name: 'Jabra Link 380', collections: [{ usagePage: 0x0c }, { usagePage: 0x0b }] };
const poly = { deviceId: 'd2', vendorId: 0x047f, productId: 0xc053, name: 'Poly Blackwire', collections: [{ usagePage: 0x0b }] };
const keyboard = { deviceId: 'd3', vendorId: 0x046d, productId: 0xc31c, name: 'Keyboard', collections: [{ usagePage: 0x01 }] };
const securityKey = { deviceId: 'd4', vendorId: 0x1050, productId: 0x0407, name: 'YubiKey', collections: [{ usagePage: 0xf1d0 }] };
const page = `${APP_ORIGIN}/index.html`;

describe('the HID chooser', () => {
  it('offers only telephony devices, one entry per headset', () => {
    expect([jabra, poly, keyboard, securityKey].filter(isTelephonyHid)).toEqual([jabra, poly]);
    expect(hidChoices(page, [keyboard, securityKey])).toEqual([]);
    expect(hidChoices(page, [keyboard, poly, jabra])).toEqual([poly, jabra]);
    // One HID device shows up once per top-level collection: the telephony entry is the one kept.
    const jabraConsumer = { ...jabra, deviceId: 'd1b', collections: [{ usagePage: 0x0c }] };
    expect(hidChoices(page, [jabraConsumer, jabra, poly])).toEqual([jabra, poly]);
    const jabraAgain = { ...jabra, deviceId: 'd1c' };
    expect(hidChoices(page, [jabra, jabraAgain])).toEqual([jabra]);
  });

  it('pairs the only headset without a question, and answers nothing when there is none', () => {
    expect(hidChooser([jabra], new Set())).toEqual({ pick: jabra });
    expect(hidChooser([jabra], new Set([hidDeviceKey(jabra)]))).toEqual({ pick: jabra });
    expect(hidChooser([], new Set())).toEqual({ pick: null });
  });

  it('asks which one when several are plugged in, naming each, the first not paired yet preselected', () => {
    const decision = hidChooser([poly, jabra], new Set([hidDeviceKey(poly)]));
    expect(decision).toEqual({
      ask: expect.objectContaining({ message: 'Connect which headset?', buttons: ['Poly Blackwire (paired)', 'Jabra Link 380', 'Cancel'], defaultId: 1, cancelId: 2 }),
    });
    // All paired: the first is preselected; a headset without a name is named by its ids.
    const nameless = { ...poly, name: '' };
    const again = hidChooser([nameless, jabra], new Set([hidDeviceKey(poly), hidDeviceKey(jabra)]));
    expect('ask' in again && again.ask.buttons).toEqual(['Headset 047f:c053 (paired)', 'Jabra Link 380 (paired)', 'Cancel']);
    expect('ask' in again && again.ask.defaultId).toBe(0);
  });

  it("answers with the headset whose button the agent pressed; Cancel or a closed dialog pairs none", () => {
    expect(chosenHid([poly, jabra], 1)).toBe(jabra);
    expect(chosenHid([poly, jabra], 0)).toBe(poly);
    expect(chosenHid([poly, jabra], 2)).toBeNull();
    expect(chosenHid([poly, jabra], -1)).toBeNull();
  });

  it('answers our page only', () => {
    expect(hidChoices('https://evil.example/', [jabra])).toEqual([]);
    expect(hidChoices(undefined, [jabra])).toEqual([]);
  });
});

describe('device permissions', () => {
  const remembered = new Set([hidDeviceKey(jabra)]);
  it('are granted for a remembered telephony device to our page', () => {
    expect(isDevicePermitted({ deviceType: 'hid', origin: APP_ORIGIN, device: jabra }, remembered)).toBe(true);
  });
  it('are refused for anything else', () => {
    expect(isDevicePermitted({ deviceType: 'hid', origin: APP_ORIGIN, device: poly }, remembered)).toBe(false);
    expect(isDevicePermitted({ deviceType: 'hid', origin: 'https://evil.example', device: jabra }, remembered)).toBe(false);
    expect(isDevicePermitted({ deviceType: 'usb', origin: APP_ORIGIN, device: jabra }, remembered)).toBe(false);
    const sameIdsNotTelephony = { ...jabra, collections: [{ usagePage: 0x01 }] };
    expect(isDevicePermitted({ deviceType: 'hid', origin: APP_ORIGIN, device: sameIdsNotTelephony }, remembered)).toBe(false);
  });
  it('lets our page use WebHID at all (the device decision is above), and nobody else', () => {
    expect(isPermissionGranted({ permission: 'hid', requestingUrl: page })).toBe(true);
    expect(isPermissionGranted({ permission: 'hid', requestingUrl: 'https://evil.example/' })).toBe(false);
  });
});
