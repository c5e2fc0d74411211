/**
 * Report descriptors of two real headset families, for the simulated HID devices.
 *
 * Where they come from. WebHID never shows a page the raw descriptor, so what a softphone relies
 * on is the layout: which report id, which bit, which usage. Both layouts below are the ones
 * published, per vendor, in `robo-w/telephony-webhid-demo` (webhid.js, commit
 * 6a6d20ccb2149ac966d8e9140096ebc3d246ea6a; a fork of the Chrome WebHID team's Jabra demo at
 * nondebug.github.io/jabra-webhid-demo), which was written against the physical devices:
 *   jabra  (vendor 0x0B0E): input report 2: hook switch bit 0, phone mute bit 2, flash bit 3,
 *          redial bit 4, programmable button bit 6; output report 2: off-hook LED bit 0, mute 1,
 *          ring 2, hold 3, microphone 4, ringer bit 5 (a 2-byte report).
 *   poly   (vendor 0x047F): input report 1: hook switch bit 0, phone mute bit 1, flash bit 2,
 *          redial bit 3, programmable button bit 4, button 1 bit 5; drop in input report 3 bit 4;
 *          ring LED in output report 1, mute LED report 3 bit 0, microphone report 3 bit 2,
 *          on-line report 3 bit 5, off-hook LED report 4, hold LED report 5 (one light per report).
 * Jabra's "USB HID commands implemented in Jabra USB headsets" (developer.jabra.com, web SDK
 * documentation) lists the same Telephony/LED usages, with hook switch an absolute on/off control
 * and mute, flash and redial momentary. The bytes encode exactly those layouts with standard HID
 * items; the bits the sources leave unnamed are constant padding, and each device carries the
 * consumer-control collection these headsets also have, so the app must pick the telephony one.
 * Neither is a byte-for-byte dump of a device: no such dump with a citable source was found.
 */

export interface HeadsetFixture {
  name: string;
  vendorId: number;
  productId: number;
  descriptor: number[];
}

export const JABRA: HeadsetFixture = {
  name: 'Jabra Link 380',
  vendorId: 0x0b0e,
  productId: 0x24c8,
  descriptor: [
    0x05, 0x0c, 0x09, 0x01, 0xa1, 0x01, //   Usage Page (Consumer), Usage (Consumer Control), Collection (Application)
    0x85, 0x01, 0x15, 0x00, 0x25, 0x01, //     Report ID (1), Logical Min (0), Logical Max (1)
    0x09, 0xe9, 0x09, 0xea, 0x75, 0x01, 0x95, 0x02, 0x81, 0x02, // Volume Up, Volume Down: Input (Data,Var,Abs)
    0x09, 0xe2, 0x95, 0x01, 0x81, 0x06, //     Mute: Input (Data,Var,Rel)
    0x95, 0x05, 0x81, 0x01, //                 5 bits padding
    0xc0, //                                   End Collection
    0x05, 0x0b, 0x09, 0x05, 0xa1, 0x01, //   Usage Page (Telephony), Usage (Headset), Collection (Application)
    0x85, 0x02, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, // Report ID (2), 0..1, 1 bit each
    0x09, 0x20, 0x95, 0x01, 0x81, 0x22, //     bit 0 Hook Switch: Input (Data,Var,Abs,No Preferred)
    0x95, 0x01, 0x81, 0x01, //                 bit 1 (unnamed): padding
    0x09, 0x2f, 0x09, 0x21, 0x09, 0x24, 0x95, 0x03, 0x81, 0x06, // bits 2-4 Phone Mute, Flash, Redial: Input (Data,Var,Rel)
    0x95, 0x01, 0x81, 0x01, //                 bit 5 (unnamed): padding
    0x09, 0x07, 0x95, 0x01, 0x81, 0x06, //     bit 6 Programmable Button: Input (Data,Var,Rel)
    0x95, 0x01, 0x81, 0x01, //                 bit 7 padding
    0x05, 0x08, //                             Usage Page (LEDs)
    0x09, 0x17, 0x09, 0x09, 0x09, 0x18, 0x09, 0x20, 0x09, 0x21, 0x95, 0x05, 0x91, 0x22, // bits 0-4 Off-Hook, Mute, Ring, Hold, Microphone: Output
    0x05, 0x0b, 0x09, 0x9e, 0x95, 0x01, 0x91, 0x22, // bit 5 Ringer (Telephony): Output
    0x95, 0x0a, 0x91, 0x01, //                 10 bits padding: a 2-byte output report
    0xc0, //                                   End Collection
  ],
};

export const POLY: HeadsetFixture = {
  name: 'Poly Blackwire 5220 Series',
  vendorId: 0x047f,
  productId: 0xc053,
  descriptor: [
    0x05, 0x0c, 0x09, 0x01, 0xa1, 0x01, //   Consumer Control
    0x85, 0x02, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01,
    0x09, 0xe9, 0x09, 0xea, 0x95, 0x02, 0x81, 0x02, // Volume Up, Volume Down
    0x95, 0x06, 0x81, 0x01, //                 padding
    0xc0,
    0x05, 0x0b, 0x09, 0x05, 0xa1, 0x01, //   Telephony Headset
    0x15, 0x00, 0x25, 0x01, 0x75, 0x01,
    0x85, 0x01, //                             Report ID (1)
    0x09, 0x20, 0x95, 0x01, 0x81, 0x22, //     bit 0 Hook Switch: Input (Abs)
    0x09, 0x2f, 0x09, 0x21, 0x09, 0x24, 0x09, 0x07, 0x95, 0x04, 0x81, 0x06, // bits 1-4 Phone Mute, Flash, Redial, Programmable Button (Rel)
    0x05, 0x09, 0x09, 0x01, 0x95, 0x01, 0x81, 0x02, // bit 5 Button 1
    0x95, 0x02, 0x81, 0x01, //                 padding
    0x05, 0x08, 0x09, 0x18, 0x95, 0x01, 0x91, 0x22, // output report 1 bit 0: Ring LED
    0x95, 0x07, 0x91, 0x01,
    0x85, 0x03, //                             Report ID (3)
    0x95, 0x04, 0x81, 0x01, //                 input bits 0-3 padding
    0x05, 0x0b, 0x09, 0x26, 0x95, 0x01, 0x81, 0x06, // input bit 4 Drop (Rel)
    0x95, 0x03, 0x81, 0x01,
    0x05, 0x08, 0x09, 0x09, 0x95, 0x01, 0x91, 0x22, // output bit 0 Mute LED
    0x95, 0x01, 0x91, 0x01, //                 bit 1 padding
    0x09, 0x21, 0x95, 0x01, 0x91, 0x22, //     bit 2 Microphone LED
    0x95, 0x02, 0x91, 0x01, //                 bits 3-4 padding
    0x09, 0x2a, 0x95, 0x01, 0x91, 0x22, //     bit 5 On-Line LED
    0x95, 0x02, 0x91, 0x01,
    0x85, 0x04, 0x09, 0x17, 0x95, 0x01, 0x91, 0x22, 0x95, 0x07, 0x91, 0x01, // Report ID (4): Off-Hook LED
    0x85, 0x05, 0x09, 0x20, 0x95, 0x01, 0x91, 0x22, 0x95, 0x07, 0x91, 0x01, // Report ID (5): Hold LED
    0xc0,
  ],
};

export const HEADSETS = [JABRA, POLY] as const;
