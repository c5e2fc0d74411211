/**
 * The part of WebHID (https://wicg.github.io/webhid/) the headset code uses. TypeScript's DOM
 * library does not declare WebHID yet; these follow the specification's IDL, so a real
 * `navigator.hid` (Chromium, Electron) and the tests' simulated device both fit them.
 */

export interface HIDReportItem {
  isAbsolute?: boolean;
  isArray?: boolean;
  isRange?: boolean;
  hasNull?: boolean;
  /** extended usages: page << 16 | id */
  usages?: number[];
  usageMinimum?: number;
  usageMaximum?: number;
  reportSize?: number;
  reportCount?: number;
  logicalMinimum?: number;
  logicalMaximum?: number;
}

export interface HIDReportInfo {
  reportId?: number;
  items?: HIDReportItem[];
}

export interface HIDCollectionInfo {
  usagePage?: number;
  usage?: number;
  type?: number;
  children?: HIDCollectionInfo[];
  inputReports?: HIDReportInfo[];
  outputReports?: HIDReportInfo[];
  featureReports?: HIDReportInfo[];
}

export interface HIDInputReportEvent extends Event {
  readonly device: HIDDevice;
  readonly reportId: number;
  readonly data: DataView;
}

export interface HIDDevice extends EventTarget {
  readonly opened: boolean;
  readonly vendorId: number;
  readonly productId: number;
  readonly productName: string;
  readonly collections: HIDCollectionInfo[];
  open(): Promise<void>;
  close(): Promise<void>;
  sendReport(reportId: number, data: BufferSource): Promise<void>;
}

export interface HIDConnectionEvent extends Event {
  readonly device: HIDDevice;
}

export interface HIDDeviceFilter {
  vendorId?: number;
  productId?: number;
  usagePage?: number;
  usage?: number;
}

export interface HID extends EventTarget {
  getDevices(): Promise<HIDDevice[]>;
  requestDevice(options: { filters: HIDDeviceFilter[] }): Promise<HIDDevice[]>;
}

/** navigator.hid where the browser has WebHID (Chromium and Electron), else null. */
export function webHid(): HID | null {
  return typeof navigator !== 'undefined' && 'hid' in navigator ? ((navigator as Navigator & { hid: HID }).hid ?? null) : null;
}
