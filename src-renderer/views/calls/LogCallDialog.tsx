/**
 * "Log call" (n): records a call by hand, e.g. one taken on a desk phone. The "Who" field takes a
 * number or a patient's name; opened while a patient card is showing it starts with that patient.
 */
import { useEffect, useState } from 'react';
import type { CallDirection } from '../../../src-shared/domain/enums';
import type { PatientRead } from '../../../src-shared/schemas/patients';
import { type InvokeError, asBridgeError, fieldErrors, invoke } from '../../bridge';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/ErrorNote';
import { SaveForm } from '../../components/SaveForm';
import { useDebounced } from '../../lib/hooks';
import { useCalls } from '../../stores/calls';
import { usePatients } from '../../stores/patients';
import { useUi } from '../../stores/ui';

const looksLikeNumber = (text: string) => /^[+\d][\d\s().-]*$/.test(text.trim());

/** The patient whose card is open, when the dialog was opened from the Patients view. */
function openPatient(): PatientRead | null {
  if (useUi.getState().view !== 'patients') return null;
  return usePatients.getState().card?.patient ?? null;
}

/** Patients matching a typed name, and the one a typed number belongs to. */
function usePatientMatches(who: string) {
  const query = useDebounced(who.trim(), 250);
  const [byName, setByName] = useState<PatientRead[]>([]);
  const [byNumber, setByNumber] = useState<PatientRead | null>(null);
  useEffect(() => {
    let live = true;
    setByName([]);
    setByNumber(null);
    if (looksLikeNumber(query)) {
      if (query.replace(/\D/g, '').length >= 6) {
        invoke('patients.lookupByNumber', { phone: query })
          .then((p) => live && setByNumber(p))
          .catch(() => undefined);
      }
    } else if (query.length >= 2) {
      invoke('patients.search', { q: query, limit: 6 })
        .then((list) => live && setByName(list))
        .catch(() => undefined);
    }
    return () => {
      live = false;
    };
  }, [query]);
  return { query, byName, byNumber };
}

export function LogCallDialog() {
  const close = useUi((s) => s.closeDialog);
  const navigate = useUi((s) => s.navigate);
  const start = useCalls((s) => s.start);
  const update = useCalls((s) => s.update);
  const [initial] = useState(openPatient);
  const [direction, setDirection] = useState<CallDirection>('inbound');
  const [who, setWho] = useState(initial?.phone_number ?? '');
  const [chosen, setChosen] = useState<PatientRead | null>(initial);
  const [ended, setEnded] = useState(false);
  const [minutes, setMinutes] = useState('');
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<InvokeError | null>(null);
  const [busy, setBusy] = useState(false);
  const { query, byName, byNumber } = usePatientMatches(chosen ? '' : who);
  const fields = fieldErrors(error);
  const isNumber = looksLikeNumber(who);

  const pick = (p: PatientRead) => {
    setChosen(p);
    setWho(p.phone_number);
  };

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const number = who.trim();
      // Typed and saved faster than the lookup's debounce: look the number up now.
      const match = chosen ?? (query === number ? byNumber : await invoke('patients.lookupByNumber', { phone: number }).catch(() => null));
      const now = Date.now();
      const durationMs = ended && Number(minutes) > 0 ? Number(minutes) * 60_000 : 0;
      const call = await start({
        direction,
        phone_number: number,
        status: 'active',
        patient_id: match?.id ?? null,
        // A finished call keeps its real length: it started that long before it ended (now).
        ...(durationMs ? { started_at: new Date(now - durationMs).toISOString() } : {}),
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

  const patient = chosen ?? byNumber;
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
          <span>Phone number or patient name</span>
          <input
            type="text"
            inputMode="search"
            value={who}
            required
            data-autofocus
            autoComplete="off"
            aria-invalid={fields.phone_number ? true : undefined}
            onChange={(e) => {
              setWho(e.target.value);
              setChosen(null);
            }}
          />
          {fields.phone_number && <small className="field-error">{fields.phone_number}</small>}
        </label>
        {!patient && byName.length > 0 && (
          <ul className="patient-matches" aria-label="Matching patients">
            {byName.map((p) => (
              <li key={p.id}>
                <button type="button" className="link-button" onClick={() => pick(p)}>
                  {p.full_name} · {p.phone_number}
                </button>
              </li>
            ))}
          </ul>
        )}
        <p className="muted patient-match" aria-live="polite">
          {patient
            ? `Patient: ${patient.full_name}`
            : isNumber && query.replace(/\D/g, '').length >= 6
              ? 'No patient with this number.'
              : !isNumber && query.length >= 2 && byName.length === 0
                ? 'No patient with this name.'
                : ''}
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
        {ended && (
          <label className="field">
            <span>How long was it (minutes)</span>
            <input type="number" min="0" max="600" step="any" value={minutes} onChange={(e) => setMinutes(e.target.value)} />
          </label>
        )}
        <label className="field">
          <span>Notes</span>
          <textarea rows={4} value={notes} onChange={(e) => setNotes(e.target.value)} />
        </label>
        <ErrorNote error={error} />
        <div className="button-row">
          <button type="submit" className="primary-button" disabled={busy || !who.trim() || (!isNumber && !chosen)}>
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
