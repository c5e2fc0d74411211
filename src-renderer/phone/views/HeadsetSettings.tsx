/** Headset call control: pair a headset (the browser's chooser), pick the active one, see its state. */
import { useHeadsets } from '../headset/headsets';

export function HeadsetSettings() {
  const supported = useHeadsets((s) => s.supported);
  const headsets = useHeadsets((s) => s.headsets);
  const active = useHeadsets((s) => s.active);
  const error = useHeadsets((s) => s.error);
  const connect = useHeadsets((s) => s.connect);
  const use = useHeadsets((s) => s.use);
  return (
    <section className="headset-settings" aria-label="Headset">
      <h3>Headset buttons</h3>
      {!supported ? (
        <p className="muted">Answering from the headset needs WebHID (the desktop app, or Chromium).</p>
      ) : (
        <>
          {headsets.length === 0 && <p className="muted">No headset paired: its answer, hang-up and mute buttons do nothing yet.</p>}
          {headsets.length > 0 && (
            <ul className="headset-list" aria-label="Headsets">
              {headsets.map((h) => (
                <li key={h.key} data-headset={h.key} data-active={h.key === active} data-connected={h.connected}>
                  <label>
                    <input type="radio" name="active-headset" checked={h.key === active} disabled={!h.connected} onChange={() => void use(h.key)} />
                    {h.name}
                  </label>{' '}
                  <span className="muted">{!h.connected ? 'unplugged' : h.key === active ? 'in use' : 'connected'}</span>
                </li>
              ))}
            </ul>
          )}
          <button type="button" onClick={() => void connect()}>
            Connect headset
          </button>
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
        </>
      )}
    </section>
  );
}
