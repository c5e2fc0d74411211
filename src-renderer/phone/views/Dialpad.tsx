/** Type or tap a number and call it; Enter calls. Numbers are read with the agent's region. */
import { usePhone } from '../store';
import { Keypad } from './Keypad';

export function Dialpad() {
  const text = usePhone((s) => s.dialText);
  const setText = usePhone((s) => s.setDialText);
  const dial = usePhone((s) => s.dial);
  const ready = usePhone((s) => s.phone.registration.state === 'registered');
  const call = () => {
    if (text.trim()) void dial(text.trim()).catch(() => undefined);
  };
  return (
    <form
      className="phone-dialpad"
      onSubmit={(e) => {
        e.preventDefault();
        call();
      }}
    >
      <label className="field">
        <span>Number to call</span>
        <input
          type="tel"
          inputMode="tel"
          autoComplete="off"
          value={text}
          data-autofocus
          onChange={(e) => setText(e.target.value)}
          placeholder="e.g. 020 7946 0102"
        />
      </label>
      <Keypad label="Dial" onKey={(k) => setText(text + k)} />
      <div className="phone-row">
        <button type="submit" className="primary-button phone-call-button" disabled={!ready || !text.trim()}>
          Call
        </button>
        <button type="button" className="ghost-button" disabled={!text} onClick={() => setText(text.slice(0, -1))} aria-label="Delete last digit">
          ⌫
        </button>
      </div>
      {!ready && <p className="muted phone-small">The phone is not registered yet.</p>}
    </form>
  );
}
