/** Microphone, speaker and ringer, each chosen separately and remembered by the core. */
import { useEffect, type ChangeEvent } from 'react';
import { applySettings, refreshDevices } from '../runtime';
import { usePhone } from '../store';

type Key = 'mic_device_id' | 'speaker_device_id' | 'ringer_device_id';

export function AudioDeviceSettings() {
  const devices = usePhone((s) => s.devices);
  const settings = usePhone((s) => s.settings);
  const engine = usePhone((s) => s.engine);
  const saveSettings = usePhone((s) => s.saveSettings);
  // Labels appear once the microphone was used: list again whenever the settings are opened.
  useEffect(() => {
    if (engine) void refreshDevices(engine);
  }, [engine]);
  if (!engine || !settings) return null;
  const inputs = devices.filter((d) => d.kind === 'audioinput');
  const outputs = devices.filter((d) => d.kind === 'audiooutput');
  const choose = (key: Key) => (e: ChangeEvent<HTMLSelectElement>) => {
    void saveSettings({ [key]: e.target.value || null })
      .then((next) => applySettings(engine, next))
      .catch((err: unknown) => usePhone.setState({ error: String(err) }));
  };
  const select = (key: Key, label: string, list: typeof devices) => (
    <label className="field">
      <span>{label}</span>
      <select value={settings[key] ?? ''} onChange={choose(key)}>
        <option value="">System default</option>
        {settings[key] && !list.some((d) => d.deviceId === settings[key]) && <option value={settings[key]!}>(unplugged) — using the default</option>}
        {list.map((d) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <fieldset className="phone-devices">
      <legend>Audio devices</legend>
      {select('mic_device_id', 'Microphone', inputs)}
      {select('speaker_device_id', 'Speaker (call audio)', outputs)}
      {select('ringer_device_id', 'Ringer', outputs)}
      {devices.length > 0 && devices.every((d) => /^(Microphone|Speaker) \d+$/.test(d.label)) && (
        <button type="button" className="link-button" onClick={() => void navigator.mediaDevices.getUserMedia({ audio: true }).then((s) => s.getTracks().forEach((t) => t.stop())).then(() => refreshDevices(engine)).catch(() => undefined)}>
          Show device names (asks for the microphone)
        </button>
      )}
    </fieldset>
  );
}
