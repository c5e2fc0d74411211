/**
 * A HID report descriptor parser for the simulated headsets (HID 1.11, section 6.2.2): turns the
 * descriptor bytes into what WebHID's `HIDDevice.collections` gives a page (top-level
 * collections, their reports by id, items in order), and, independently of the app's own layout
 * code, the flat list of fields with their bit offsets that the simulated device uses to build
 * its input reports and read the app's output reports.
 */

// WebHID's dictionaries (the same shapes as src-renderer/phone/headset/hid-types.ts, declared
// here so this Node-side module needs no DOM types).
export interface HIDReportItem {
  isAbsolute: boolean;
  isArray: boolean;
  isRange: boolean;
  hasNull: boolean;
  usages: number[];
  usageMinimum?: number;
  usageMaximum?: number;
  reportSize: number;
  reportCount: number;
  logicalMinimum: number;
  logicalMaximum: number;
}

export interface HIDReportInfo {
  reportId: number;
  items: HIDReportItem[];
}

export interface HIDCollectionInfo {
  usagePage: number;
  usage: number;
  type: number;
  children: HIDCollectionInfo[];
  inputReports: HIDReportInfo[];
  outputReports: HIDReportInfo[];
  featureReports: HIDReportInfo[];
}

export interface ParsedField {
  kind: 'input' | 'output';
  reportId: number;
  bit: number;
  bits: number;
  usage: number;
  relative: boolean;
}

export interface ParsedDescriptor {
  collections: HIDCollectionInfo[];
  fields: ParsedField[];
  /** data bytes (without the id) of each output report */
  outputBytes: Map<number, number>;
  /** data bytes (without the id) of each input report */
  inputBytes: Map<number, number>;
}

interface Globals {
  usagePage: number;
  logicalMinimum: number;
  logicalMaximum: number;
  reportSize: number;
  reportCount: number;
  reportId: number;
}

export function parseDescriptor(bytes: readonly number[]): ParsedDescriptor {
  let globals: Globals = { usagePage: 0, logicalMinimum: 0, logicalMaximum: 0, reportSize: 0, reportCount: 0, reportId: 0 };
  const stack: Globals[] = [];
  let usages: number[] = [];
  let usageMin: number | null = null;
  let usageMax: number | null = null;
  const tops: HIDCollectionInfo[] = [];
  const open: HIDCollectionInfo[] = [];
  const fields: ParsedField[] = [];
  const bitsSoFar = { input: new Map<number, number>(), output: new Map<number, number>() };
  const extended = (value: number, size: number) => (size === 4 ? value : (globals.usagePage << 16) | value);

  let i = 0;
  while (i < bytes.length) {
    const prefix = bytes[i]!;
    if (prefix === 0xfe) throw new Error('long items are not used by headsets');
    const size = [0, 1, 2, 4][prefix & 0x03]!;
    const type = (prefix >> 2) & 0x03; // 0 main, 1 global, 2 local
    const tag = prefix >> 4;
    let value = 0;
    for (let b = 0; b < size; b++) value |= bytes[i + 1 + b]! << (8 * b);
    value >>>= 0;
    const signed = size > 0 && value & (1 << (8 * size - 1)) ? value - 2 ** (8 * size) : value;
    i += 1 + size;

    if (type === 1) {
      if (tag === 0x0) globals.usagePage = value;
      else if (tag === 0x1) globals.logicalMinimum = signed;
      else if (tag === 0x2) globals.logicalMaximum = signed;
      else if (tag === 0x7) globals.reportSize = value;
      else if (tag === 0x8) globals.reportId = value;
      else if (tag === 0x9) globals.reportCount = value;
      else if (tag === 0xa) stack.push({ ...globals });
      else if (tag === 0xb) globals = stack.pop() ?? globals;
      continue;
    }
    if (type === 2) {
      if (tag === 0x0) usages.push(extended(value, size));
      else if (tag === 0x1) usageMin = extended(value, size);
      else if (tag === 0x2) usageMax = extended(value, size);
      continue;
    }
    // main items
    if (tag === 0xa) {
      const usage = usages[0] ?? 0;
      const collection: HIDCollectionInfo = { usagePage: usage >>> 16, usage: usage & 0xffff, type: value, children: [], inputReports: [], outputReports: [], featureReports: [] };
      if (open.length === 0) tops.push(collection);
      else open.at(-1)!.children.push(collection);
      open.push(collection);
    } else if (tag === 0xc) {
      open.pop();
    } else if (tag === 0x8 || tag === 0x9 || tag === 0xb) {
      const kind = tag === 0x8 ? 'input' : tag === 0x9 ? 'output' : 'feature';
      const constant = (value & 0x01) !== 0;
      const isArray = (value & 0x02) === 0;
      const relative = (value & 0x04) !== 0;
      const isRange = usageMin !== null && usageMax !== null;
      const item: HIDReportItem = {
        isAbsolute: !relative,
        isArray,
        isRange,
        hasNull: (value & 0x40) !== 0,
        usages: constant ? [] : isRange ? [] : [...usages],
        ...(isRange ? { usageMinimum: usageMin!, usageMaximum: usageMax! } : {}),
        reportSize: globals.reportSize,
        reportCount: globals.reportCount,
        logicalMinimum: globals.logicalMinimum,
        logicalMaximum: globals.logicalMaximum,
      };
      const owner = open.at(-1);
      if (!owner) throw new Error('a report item outside any collection');
      const list = kind === 'input' ? owner.inputReports : kind === 'output' ? owner.outputReports : owner.featureReports;
      let report: HIDReportInfo | undefined = list.find((r) => r.reportId === globals.reportId);
      if (!report) list.push((report = { reportId: globals.reportId, items: [] }));
      report.items.push(item);
      if (kind !== 'feature') {
        const counter = bitsSoFar[kind];
        const start = counter.get(globals.reportId) ?? 0;
        if (!constant && !isArray) {
          const list = isRange ? Array.from({ length: usageMax! - usageMin! + 1 }, (_, k) => usageMin! + k) : usages;
          for (let f = 0; f < globals.reportCount && list.length > 0; f++) {
            fields.push({ kind, reportId: globals.reportId, bit: start + f * globals.reportSize, bits: globals.reportSize, usage: list[Math.min(f, list.length - 1)]!, relative });
          }
        }
        counter.set(globals.reportId, start + globals.reportSize * globals.reportCount);
      }
    }
    // every main item clears the local items
    usages = [];
    usageMin = usageMax = null;
  }
  const bytesOf = (bits: Map<number, number>) => new Map([...bits].map(([id, n]) => [id, Math.ceil(n / 8)]));
  return { collections: tops, fields, outputBytes: bytesOf(bitsSoFar.output), inputBytes: bytesOf(bitsSoFar.input) };
}
