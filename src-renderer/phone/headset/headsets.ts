/**
 * The agent's headsets: the telephony HID devices this page may use, which one drives the
 * phone, and pairing. Several can be known; one is active (the last one chosen, remembered in
 * this browser profile). Unplugging the active headset stops its link and nothing else (the
 * call goes on); plugging it back in picks it up again with its lights in step.
 * Pairing is the browser's own chooser (`navigator.hid.requestDevice` filtered to the Telephony
 * page); in Electron the shell answers that chooser (src-main/electron/hid-policy.ts).
 */
import { create } from 'zustand';
import type { PhoneEngine } from '../engine';
import { usePhone } from '../store';
import { HeadsetLink, type PhonePort } from './headset-link';
import { webHid, type HID, type HIDConnectionEvent, type HIDDevice } from './hid-types';
import { isTelephonyDevice, TELEPHONY_PAGE } from './telephony-layout';

export interface HeadsetInfo {
  key: string;
  name: string;
  connected: boolean;
}

interface HeadsetStore {
  supported: boolean;
  headsets: HeadsetInfo[];
  active: string | null;
  error: string | null;
  connect(): Promise<void>;
  use(key: string): Promise<void>;
}

const PREFERRED = 'oncall.headset.active';
const keyOf = (d: HIDDevice) => `${d.vendorId.toString(16).padStart(4, '0')}:${d.productId.toString(16).padStart(4, '0')}:${d.productName}`;

function remembered(): string | null {
  try {
    return localStorage.getItem(PREFERRED);
  } catch {
    return null;
  }
}

function remember(key: string): void {
  try {
    localStorage.setItem(PREFERRED, key);
  } catch {
    // storage refused (private mode): the choice lasts for this session only
  }
}

const notRunning = async () => undefined;

export const useHeadsets = create<HeadsetStore>()(() => ({
  supported: webHid() !== null,
  headsets: [],
  active: null,
  error: null,
  connect: notRunning,
  use: notRunning,
}));

function portFor(engine: PhoneEngine): PhonePort {
  return {
    get snapshot() {
      return engine.snapshot;
    },
    subscribe: (listener) => engine.subscribe(listener),
    answer: (id) => engine.answer(id),
    hangup: (id) => engine.hangup(id),
    setMuted: (id, muted) => engine.setMuted(id, muted),
    setHold: (id, hold) => engine.setHold(id, hold),
    dial: (number) => usePhone.getState().dial(number),
  };
}

/** Runs while the phone runs; returns the stop function. */
export function startHeadsets(engine: PhoneEngine, hid: HID | null = webHid()): () => void {
  if (!hid) {
    useHeadsets.setState({ supported: false });
    return () => undefined;
  }
  const port = portFor(engine);
  // One HID device can show up as several HIDDevice objects (one per top-level collection).
  const devices = new Map<string, HIDDevice[]>();
  let link: HeadsetLink | null = null;
  let stopped = false;
  const fail = (message: string) => useHeadsets.setState({ error: message });

  function publish(): void {
    const known = new Map(useHeadsets.getState().headsets.map((h) => [h.key, h]));
    // An unplugged headset has no device objects left: it keeps the name it was listed with.
    for (const [key, list] of devices) known.set(key, { key, name: list[0]?.productName || known.get(key)?.name || key, connected: list.length > 0 });
    useHeadsets.setState({ headsets: [...known.values()], active: link ? keyOf(link.device) : useHeadsets.getState().active });
  }

  async function activate(key: string): Promise<void> {
    const device = devices.get(key)?.find(isTelephonyDevice);
    if (!device || stopped) return;
    if (link?.device === device) return;
    await link?.close();
    link = null;
    try {
      if (!device.opened) await device.open();
      if (stopped) return;
      link = new HeadsetLink(device, port, fail);
      useHeadsets.setState({ active: key, error: null });
    } catch (err) {
      fail(`Could not open ${device.productName}: ${err instanceof Error ? err.message : String(err)}`);
    }
    publish();
  }

  function add(device: HIDDevice): void {
    if (!isTelephonyDevice(device)) return;
    const key = keyOf(device);
    const list = devices.get(key) ?? [];
    if (!list.includes(device)) list.push(device);
    devices.set(key, list);
  }

  /** The active headset: the remembered one when present, else the first one we have. */
  async function pick(): Promise<void> {
    const wanted = useHeadsets.getState().active ?? remembered();
    const present = [...devices].filter(([, list]) => list.length > 0).map(([key]) => key);
    const key = wanted && present.includes(wanted) ? wanted : present[0];
    publish();
    if (key && (!link || keyOf(link.device) !== key)) await activate(key);
  }

  const onConnect = (event: Event) => {
    add((event as HIDConnectionEvent).device);
    void pick();
  };
  const onDisconnect = (event: Event) => {
    const device = (event as HIDConnectionEvent).device;
    const key = keyOf(device);
    devices.set(key, (devices.get(key) ?? []).filter((d) => d !== device));
    if (link?.device === device) {
      void link.close();
      link = null;
    }
    publish();
    void pick();
  };
  hid.addEventListener('connect', onConnect);
  hid.addEventListener('disconnect', onDisconnect);

  useHeadsets.setState({
    supported: true,
    error: null,
    async connect() {
      try {
        const chosen = await hid.requestDevice({ filters: [{ usagePage: TELEPHONY_PAGE }] });
        chosen.forEach(add);
        const first = chosen.find(isTelephonyDevice);
        if (first) {
          remember(keyOf(first));
          await activate(keyOf(first));
        }
      } catch (err) {
        fail(`No headset connected: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
    async use(key) {
      remember(key);
      await activate(key);
    },
  });
  void hid
    .getDevices()
    .then((list) => {
      list.forEach(add);
      return pick();
    })
    .catch((err: unknown) => fail(`Headsets unavailable: ${String(err)}`));

  return () => {
    stopped = true;
    hid.removeEventListener('connect', onConnect);
    hid.removeEventListener('disconnect', onDisconnect);
    void link?.close();
    link = null;
    useHeadsets.setState({ headsets: [], active: null, error: null, connect: notRunning, use: notRunning });
  };
}
