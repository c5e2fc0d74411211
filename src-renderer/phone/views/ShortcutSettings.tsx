/**
 * Global shortcuts (answer, hang up, mute from any application): off until the agent types one.
 * Only the desktop app can register them; each one it could not register says why (not
 * modifier+key, used twice, or held by another application), never silently dropped.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { SHORTCUT_ACTIONS, type ShortcutAction, type ShortcutProblem, type ShortcutsStatus } from '../../../src-shared/ipc/desktop';
import { asBridgeError, invoke } from '../../bridge';

const LABEL: Record<ShortcutAction, string> = { answer: 'Answer', hangup: 'Hang up', mute: 'Mute / unmute' };
const WHY: Record<ShortcutProblem['reason'], string> = {
  invalid: 'not a shortcut: use modifiers and a key, e.g. CommandOrControl+Shift+A',
  duplicate: 'already used for another action',
  taken: 'another application already uses it',
};

export function ShortcutSettings() {
  const [status, setStatus] = useState<ShortcutsStatus | null>(null);
  const [draft, setDraft] = useState<Record<ShortcutAction, string>>({ answer: '', hangup: '', mute: '' });
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    invoke('desktop.shortcuts.get', {})
      .then((s) => {
        if (!live) return;
        setStatus(s);
        setDraft({ answer: s.settings.answer ?? '', hangup: s.settings.hangup ?? '', mute: s.settings.mute ?? '' });
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  if (!status) return null;
  if (!status.supported) {
    return (
      <section className="shortcut-settings" aria-label="Global shortcuts">
        <h3>Global shortcuts</h3>
        <p className="muted">Answering, hanging up and muting from any application needs the desktop app.</p>
      </section>
    );
  }
  const save = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const settings = Object.fromEntries(SHORTCUT_ACTIONS.map((a) => [a, draft[a].trim() || null]));
    invoke('desktop.shortcuts.set', settings)
      .then(setStatus)
      .catch((err: unknown) => setError(asBridgeError(err).message));
  };
  return (
    <form className="shortcut-settings" aria-label="Global shortcuts" onSubmit={save}>
      <h3>Global shortcuts</h3>
      <p className="muted">Work from any application. Empty: off.</p>
      {SHORTCUT_ACTIONS.map((action) => {
        const problem = status.problems.find((p) => p.action === action);
        return (
          <label key={action} className="field">
            <span>{LABEL[action]}</span>
            <input
              value={draft[action]}
              placeholder="off"
              aria-invalid={problem ? true : undefined}
              onChange={(e) => setDraft({ ...draft, [action]: e.target.value })}
            />
            {problem && (
              <span className="field-error" role="alert">
                {problem.accelerator}: {WHY[problem.reason]}
              </span>
            )}
            {!problem && status.registered[action] && <span className="muted">on: {status.registered[action]}</span>}
          </label>
        );
      })}
      <button type="submit">Save shortcuts</button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
