/** "Log call" (n): records a call by hand, e.g. one taken on a desk phone. */
import { useEffect, useState } from 'react';
import type { CallDirection } from '../../../src-shared/domain/enums';
import type { PatientRead } from '../../../src-shared/schemas/patients';
import { type InvokeError, asBridgeError, fieldErrors, invoke } from '../../bridge';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/ErrorNote';
import { useDebounced } from '../../lib/hooks';
import { SaveForm } from '../../components/SaveForm';
import { useCalls } from '../../stores/calls';
import { useUi } from '../../stores/ui';

export function LogCallDialog() {
  const close = useUi((s) => s.closeDialog);
  const navigate = useUi((s) => s.navigate);
  const start = useCalls((s) => s.start);
  const update = useCalls((s) => s.update);
  const [direction, setDirection] = useState<CallDirection>('inbound');
  const [phone, setPhone] = useState('');
  const [ended, setEnded] = useState(false);
  const [notes, setNotes] = useState('');
  const [patient, setPatient] = useState<PatientRead | null>(null);
  const [error, setError] = useState<InvokeError | null>(null);
  const [busy, setBusy] = useState(false);
  const lookup = useDebounced(phone.trim(), 250);
  const fields = fieldErrors(error);

  useEffect(() => {
    let live = true;
    if (lookup.replace(/\D/g, '').length < 6) return setPatient(null);
    invoke('patients.lookupByNumber', { phone: lookup })
      .then((p) => live && setPatient(p))
      .catch(() => live && setPatient(null));
    return () => {
      live = false;
    };
  }, [lookup]);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      // Typed and saved faster than the lookup's debounce: look the number up now.
      const number = phone.trim();
      const match = lookup === number ? patient : await invoke('patients.lookupByNumber', { phone: number }).catch(() => null);
      const call = await start({
        direction,
        phone_number: number,
        status: 'active',
        patient_id: match?.id ?? null,
        ...(notes ? { notes } : {}),
      });
      if (ended) await update(call.id, { status: 'wrap_up' });
      navigate('calls');
      close();
    } catch (err) {
      setError(asBridgeError(err));
      setBusy(false);
    }
  };

  return (
    <Dialog title="Log a call" onClose={close}>
      <SaveForm onSave={submit}>
        <fieldset className="segmented">
          <legend>Direction</legend>
          {(['inbound', 'outbound'] as const).map((d) => (
            <label key={d}>
              <input type="radio" name="direction" value={d} checked={direction === d} onChange={() => setDirection(d)} />
              {d === 'inbound' ? 'Inbound' : 'Outbound'}
            </label>
          ))}
        </fieldset>
        <label className="field">
          <span>Phone number</span>
          <input
            type="tel"
            value={phone}
            required
            data-autofocus
            aria-invalid={fields.phone_number ? true : undefined}
            onChange={(e) => setPhone(e.target.value)}
          />
          {fields.phone_number && <small className="field-error">{fields.phone_number}</small>}
        </label>
        <p className="muted patient-match" aria-live="polite">
          {patient ? `Patient: ${patient.full_name}` : lookup.length >= 6 ? 'No patient with this number.' : ''}
        </p>
        <fieldset className="segmented">
          <legend>The call is</legend>
          <label>
            <input type="radio" name="state" checked={!ended} onChange={() => setEnded(false)} />
            In progress
          </label>
          <label>
            <input type="radio" name="state" checked={ended} onChange={() => setEnded(true)} />
            Finished (go to wrap-up)
          </label>
        </fieldset>
        <label className="field">
          <span>Notes</span>
          <textarea rows={4} value={notes} onChange={(e) => setNotes(e.target.value)} />
        </label>
        <ErrorNote error={error} />
        <div className="button-row">
          <button type="submit" className="primary-button" disabled={busy || !phone.trim()}>
            Log call
          </button>
          <button type="button" className="ghost-button" onClick={close}>
            Cancel
          </button>
          <span className="muted hint">
            <kbd>ctrl</kbd>+<kbd>enter</kbd> to save
          </span>
        </div>
      </SaveForm>
    </Dialog>
  );
}
