/**
 * Microphone, speaker and ringer are chosen separately and remembered by device id. When a
 * headset is unplugged its ids disappear from enumerateDevices: calls move to the default device
 * until it comes back, then move back — the choice itself is never forgotten.
 */
import type { Devices } from './engine';

export interface AudioDevice {
  deviceId: string;
  label: string;
  kind: 'audioinput' | 'audiooutput';
}

export interface ChosenDevices {
  mic_device_id: string | null;
  speaker_device_id: string | null;
  ringer_device_id: string | null;
}

export async function listAudioDevices(): Promise<AudioDevice[]> {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.enumerateDevices) return [];
  const all = await navigator.mediaDevices.enumerateDevices();
  return all
    .filter((d): d is MediaDeviceInfo & { kind: AudioDevice['kind'] } => d.kind === 'audioinput' || d.kind === 'audiooutput')
    // 'default' and 'communications' are aliases of real devices; '' is how we say "default".
    .filter((d) => d.deviceId !== 'default' && d.deviceId !== 'communications' && d.deviceId !== '')
    .map((d, i) => ({ deviceId: d.deviceId, kind: d.kind, label: d.label || `${d.kind === 'audioinput' ? 'Microphone' : 'Speaker'} ${i + 1}` }));
}

export function watchDeviceChanges(onChange: () => void): () => void {
  const media = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
  if (!media?.addEventListener) return () => undefined;
  media.addEventListener('devicechange', onChange);
  return () => media.removeEventListener('devicechange', onChange);
}

/** The chosen device while it is present, else the default (''). */
export function effectiveDevices(chosen: ChosenDevices, available: AudioDevice[]): Devices {
  const pick = (id: string | null, kind: AudioDevice['kind']) => (id && available.some((d) => d.kind === kind && d.deviceId === id) ? id : '');
  return {
    mic: pick(chosen.mic_device_id, 'audioinput'),
    speaker: pick(chosen.speaker_device_id, 'audiooutput'),
    ringer: pick(chosen.ringer_device_id, 'audiooutput'),
  };
}
