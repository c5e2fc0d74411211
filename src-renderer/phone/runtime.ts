/**
 * Starts the softphone for the signed-in agent and wires it to the rest of the app: settings
 * from the core, calls logged through the core (and shown in the call log at once), the screen
 * pop from the local patient directory, desktop notifications, device changes, the shell's tray,
 * notifications and global shortcuts (desktop/desktop-link.ts), and the "call this number" entry
 * point (phone-api.ts). tel:/sip: links the shell hands over: dial-links.ts.
 */
import type { PhoneSettingsRead } from '../../src-shared/schemas/phone-settings';
import { invoke } from '../bridge';
import { setDialer } from '../phone-api';
import { admitsInbound } from '../agent-state/runtime';
import { useCalls } from '../stores/calls';
import { effectiveDevices, listAudioDevices, watchDeviceChanges } from './audio-devices';
import { startDesktopLink, shellShowsRinging } from './desktop/desktop-link';
import { PhoneEngine } from './engine';
import { startHeadsets } from './headset/headsets';
import type { CallSnapshot } from './phone-call';
import { IDLE_PHONE, usePhone } from './store';

function notifyIncoming(call: CallSnapshot): void {
  const who = call.patient?.full_name ?? call.name ?? call.number;
  // The desktop app shows its own, with Answer / Decline (src-main/electron/phone-desk.ts).
  if (shellShowsRinging() || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    const n = new Notification(call.waiting ? 'Call waiting' : 'Incoming call', { body: `${who} (${call.number})`, tag: `call-${call.id}`, requireInteraction: true });
    n.onclick = () => {
      window.focus();
      usePhone.getState().openDock();
    };
  } catch {
    // Some embeddings forbid the constructor; the ringing dialog is on screen anyway.
  }
}

export async function refreshDevices(engine: PhoneEngine): Promise<void> {
  const devices = await listAudioDevices().catch(() => []);
  const settings = usePhone.getState().settings;
  const effective = effectiveDevices(
    { mic_device_id: settings?.mic_device_id ?? null, speaker_device_id: settings?.speaker_device_id ?? null, ringer_device_id: settings?.ringer_device_id ?? null },
    devices,
  );
  usePhone.setState({ devices, effective });
  engine.setDevices(effective);
}

/** Applies settings to the engine; only a configured phone takes over "call this number". */
export async function applySettings(engine: PhoneEngine, settings: PhoneSettingsRead): Promise<void> {
  usePhone.setState({ settings });
  await refreshDevices(engine);
  await engine.configure(settings);
  const configured = Boolean(settings.ws_url && settings.sip_uri);
  setDialer(
    configured
      ? async (number, context) => {
          const snap = await usePhone.getState().dial(number, context);
          const record = snap ? await engine.recordOf(snap.id) : null;
          if (record) {
            useCalls.getState().put(record);
            useCalls.getState().select(record.id);
          }
          return record;
        }
      : null,
  );
}

/** Runs while signed in; returns the stop function. */
export function startPhone(): () => void {
  const engine = new PhoneEngine({
    log: {
      start: (args) => invoke('call.create', args),
      update: (args) => invoke('call.update', args),
    },
    lookupPatient: (number) => invoke('patients.lookupByNumber', { phone: number }).catch(() => null),
    onIncoming: (call) => notifyIncoming(call),
    onRecord: (_legId, record) => useCalls.getState().put(record),
    admitInbound: admitsInbound,
  });
  usePhone.setState({ engine, phone: engine.snapshot, error: null });
  const offs = [
    engine.subscribe((phone) => usePhone.setState({ phone })),
    watchDeviceChanges(() => void refreshDevices(engine)),
    startHeadsets(engine),
    startDesktopLink(engine),
  ];
  let stopped = false;
  void invoke('phone.settings.get', {})
    .then((settings) => (stopped ? undefined : applySettings(engine, settings)))
    .catch(() => {
      // No phone settings in this shell (or signed out meanwhile): the phone stays "not configured".
    });
  return () => {
    stopped = true;
    offs.forEach((off) => off());
    setDialer(null);
    void engine.stop().catch(() => undefined);
    usePhone.setState({ engine: null, phone: IDLE_PHONE, settings: null });
  };
}
