/**
 * The Electron shell's HID decisions (issue 14): the chooser offers our page telephony headsets
 * only, pairing one not paired yet first (several headsets are paired one at a time); a device permission needs our page, a
 * telephony device and a remembered choice.
 */
import { describe, expect, it } from 'vitest';
import { chooseHidDevice, hidDeviceKey, isDevicePermitted, isTelephonyHid } from '../../src-main/electron/hid-policy';
import { APP_ORIGIN, isPermissionGranted } from '../../src-main/electron/security-policy';

const jabra = { deviceId: 'd1', vendorId: 0x0b0e, productId: 0x24c8, serialNumber: 'A1', name: 'Jabra Link 380', collections: [{ usagePage: 0x0c }, { usagePage: 0x0b }] };
const poly = { deviceId: 'd2', vendorId: 0x047f, productId: 0xc053, name: 'Poly Blackwire', collections: [{ usagePage: 0x0b }] };
const keyboard = { deviceId: 'd3', vendorId: 0x046d, productId: 0xc31c, name: 'Keyboard', collections: [{ usagePage: 0x01 }] };
const securityKey = { deviceId: 'd4', vendorId: 0x1050, productId: 0x0407, name: 'YubiKey', collections: [{ usagePage: 0xf1d0 }] };
const page = `${APP_ORIGIN}/index.html`;

describe('the HID chooser', () => {
  it('offers only telephony devices', () => {
    expect([jabra, poly, keyboard, securityKey].filter(isTelephonyHid)).toEqual([jabra, poly]);
    expect(chooseHidDevice(page, [keyboard, securityKey], new Set())).toBeNull();
    expect(chooseHidDevice(page, [keyboard, poly, jabra], new Set())).toBe(poly);
  });

  it('pairs a headset not paired yet, so "Connect headset" again pairs the second one', () => {
    const paired = new Set([hidDeviceKey(poly)]);
    expect(chooseHidDevice(page, [poly, jabra], paired)).toBe(jabra);
    paired.add(hidDeviceKey(jabra));
    // Both paired: the first is offered again (granting it changes nothing; the page lists both).
    expect(chooseHidDevice(page, [poly, jabra], paired)).toBe(poly);
    // One HID device shows up once per top-level collection: its entries share a key.
    const jabraConsumer = { ...jabra, deviceId: 'd1b', collections: [{ usagePage: 0x0c }] };
    expect(chooseHidDevice(page, [jabraConsumer, jabra, poly], new Set([hidDeviceKey(poly)]))).toBe(jabra);
  });

  it('answers our page only', () => {
    expect(chooseHidDevice('https://evil.example/', [jabra], new Set())).toBeNull();
    expect(chooseHidDevice(undefined, [jabra], new Set())).toBeNull();
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
