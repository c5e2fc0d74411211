/** The agent's SIP account and phone options, kept by the core (the password in its SecretStore). */
import { useState } from 'react';
import type { IceServer, PhoneSettingsPatch, PhoneSettingsRead } from '../../../src-shared/schemas/phone-settings';
import { asBridgeError, fieldErrors } from '../../bridge';
import { applySettings } from '../runtime';
import { usePhone } from '../store';

function iceText(servers: IceServer[]): string {
  return servers.map((s) => [Array.isArray(s.urls) ? s.urls.join(',') : s.urls, s.username, s.credential].filter(Boolean).join(' ')).join('\n');
}

/** One server a line: `turn:host:3478 user secret` (user and secret optional; several URLs comma-separated). */
function parseIce(text: string): IceServer[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [urls = '', username, credential] = line.split(/\s+/);
      const list = urls.split(',').filter(Boolean);
      return { urls: list.length === 1 ? list[0]! : list, ...(username ? { username } : {}), ...(credential ? { credential } : {}) };
    });
}

export function PhoneSettingsForm() {
  const settings = usePhone((s) => s.settings);
  const engine = usePhone((s) => s.engine);
  const saveSettings = usePhone((s) => s.saveSettings);
  const [draft, setDraft] = useState(() => ({
    ws_url: settings?.ws_url ?? '',
    sip_uri: settings?.sip_uri ?? '',
    auth_user: settings?.auth_user ?? '',
    password: '',
    display_name: settings?.display_name ?? '',
    ice: iceText(settings?.ice_servers ?? []),
    dtmf_mode: settings?.dtmf_mode ?? 'rfc4733',
    default_region: settings?.default_region ?? 'GB',
    no_answer_seconds: String(settings?.no_answer_seconds ?? 45),
  }));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!engine) return <p className="muted">Sign in to set up the phone.</p>;

  const field = (key: keyof typeof draft) => ({
    value: draft[key],
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => {
      setDraft({ ...draft, [key]: e.target.value });
      setSaved(false);
    },
  });
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    const patch: PhoneSettingsPatch = {
      ws_url: draft.ws_url.trim() || null,
      sip_uri: draft.sip_uri.trim() || null,
      auth_user: draft.auth_user.trim() || null,
      display_name: draft.display_name.trim(),
      ice_servers: parseIce(draft.ice),
      dtmf_mode: draft.dtmf_mode as PhoneSettingsRead['dtmf_mode'],
      default_region: draft.default_region.trim().toUpperCase(),
      no_answer_seconds: Number(draft.no_answer_seconds),
      ...(draft.password ? { password: draft.password } : {}),
    };
    try {
      const next = await saveSettings(patch);
      await applySettings(engine, next);
      setDraft({ ...draft, password: '' });
      setSaved(true);
    } catch (err) {
      const fields = fieldErrors(asBridgeError(err));
      setErrors(Object.keys(fields).length ? fields : { _: asBridgeError(err).message });
    } finally {
      setBusy(false);
    }
  };
  const err = (k: string) => errors[k] && <span className="field-error">{errors[k]}</span>;

  return (
    <form className="phone-settings" onSubmit={(e) => void submit(e)} aria-label="Phone settings">
      <label className="field">
        <span>SIP WebSocket URL</span>
        <input {...field('ws_url')} placeholder="wss://pbx.example.org:8089/ws" />
        {err('ws_url')}
      </label>
      <label className="field">
        <span>SIP address</span>
        <input {...field('sip_uri')} placeholder="sip:+442079460101@pbx.example.org" />
        {err('sip_uri')}
      </label>
      <label className="field">
        <span>Auth user (if not the SIP user)</span>
        <input {...field('auth_user')} autoComplete="off" />
        {err('auth_user')}
      </label>
      <label className="field">
        <span>SIP password</span>
        <input {...field('password')} type="password" autoComplete="new-password" placeholder={settings?.password ? 'saved — type to replace' : ''} />
        {err('password')}
      </label>
      <label className="field">
        <span>Display name</span>
        <input {...field('display_name')} />
      </label>
      <label className="field">
        <span>DTMF tones</span>
        <select {...field('dtmf_mode')}>
          <option value="rfc4733">In the audio stream (RFC 4733)</option>
          <option value="info">As SIP INFO messages</option>
        </select>
      </label>
      <label className="field">
        <span>Default country for numbers</span>
        <input {...field('default_region')} maxLength={2} />
        {err('default_region')}
      </label>
      <label className="field">
        <span>Ring for (seconds) before a call counts as missed</span>
        <input {...field('no_answer_seconds')} type="number" min={5} max={300} />
        {err('no_answer_seconds')}
      </label>
      <label className="field">
        <span>ICE / TURN servers (one a line: url [user] [secret])</span>
        <textarea {...field('ice')} rows={2} />
        {err('ice_servers')}
      </label>
      {err('_')}
      <div className="phone-row">
        <button type="submit" className="primary-button" disabled={busy}>
          Save phone settings
        </button>
        {saved && <span className="muted" role="status">Saved</span>}
      </div>
    </form>
  );
}
