/** A patient at a glance: numbers to call, recent calls, open tasks. */
import { ErrorNote } from '../../components/ErrorNote';
import { formatDuration, formatWhen } from '../../lib/time';
import { placeCall } from '../../phone-api';
import { useCalls } from '../../stores/calls';
import { usePatients } from '../../stores/patients';
import { dispositionLabel, useReference } from '../../stores/reference';
import { useTasks } from '../../stores/tasks';
import { useUi } from '../../stores/ui';
import { statusLabel } from '../calls/labels';
import { useState } from 'react';
import { type InvokeError, asBridgeError } from '../../bridge';

export function PatientCardView() {
  const card = usePatients((s) => s.card);
  const cardError = usePatients((s) => s.cardError);
  const dispositions = useReference((s) => s.dispositions);
  const selectCall = useCalls((s) => s.select);
  const selectTask = useTasks((s) => s.select);
  const navigate = useUi((s) => s.navigate);
  const openDialog = useUi((s) => s.openDialog);
  const [callError, setCallError] = useState<InvokeError | null>(null);

  if (!card) return cardError ? <ErrorNote error={cardError} /> : <p className="empty">Loading patient…</p>;
  const { patient, calls, tasks } = card;
  const numbers = [
    { label: 'Main', number: patient.phone_number },
    ...(patient.alt_phone_number ? [{ label: 'Alternative', number: patient.alt_phone_number }] : []),
  ];

  const call = async (number: string) => {
    setCallError(null);
    try {
      await placeCall(number, { patient_id: patient.id });
    } catch (err) {
      setCallError(asBridgeError(err));
    }
  };

  return (
    <article className="patient-card" aria-labelledby="patient-title">
      <header className="detail-header">
        <div>
          <h2 id="patient-title">{patient.full_name}</h2>
          <p className="muted">
            {patient.date_of_birth ? `Born ${patient.date_of_birth}` : 'Date of birth not recorded'}
            {patient.mrn && ` · MRN ${patient.mrn}`}
            {patient.email && ` · ${patient.email}`}
          </p>
        </div>
        <div className="button-row">
          <button type="button" className="ghost-button" aria-label={`Log a call with ${patient.full_name}`} onClick={() => openDialog('logCall')}>
            Log call
          </button>
          <button type="button" className="ghost-button" onClick={() => openDialog('newTask', { patient_id: patient.id })}>
            New task
          </button>
        </div>
      </header>
      <ul className="numbers" aria-label="Phone numbers">
        {numbers.map((n) => (
          <li key={n.number}>
            <span className="muted">{n.label}</span>
            <span className="number">{n.number}</span>
            <button type="button" className="primary-button small" aria-label={`Call ${n.number}`} onClick={() => void call(n.number)}>
              Call
            </button>
          </li>
        ))}
      </ul>
      <ErrorNote error={callError} />
      {patient.notes && <p className="description">{patient.notes}</p>}
      <div className="card-columns">
        <section aria-labelledby="recent-calls">
          <h3 id="recent-calls">Recent calls</h3>
          {calls.length === 0 ? (
            <p className="empty small">No calls yet.</p>
          ) : (
            <ul className="plain-list compact">
              {calls.map((c) => (
                <li key={c.id}>
                  <button
                    type="button"
                    className="row compact-row"
                    onClick={() => {
                      selectCall(c.id);
                      navigate('calls');
                    }}
                  >
                    <span>{formatWhen(c.started_at)}</span>
                    <span>{c.direction === 'inbound' ? 'In' : 'Out'}</span>
                    <span className={`pill status-${c.status}`}>{statusLabel(c.status)}</span>
                    <span>{dispositionLabel(c.outcome, dispositions)}</span>
                    <span className="muted">{formatDuration(c.duration_seconds)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="open-tasks">
          <h3 id="open-tasks">Open tasks</h3>
          {tasks.length === 0 ? (
            <p className="empty small">No open tasks.</p>
          ) : (
            <ul className="plain-list compact">
              {tasks.map((t) => (
                <li key={t.id}>
                  <button
                    type="button"
                    className="row compact-row"
                    onClick={() => {
                      selectTask(t.id);
                      navigate('tasks');
                    }}
                  >
                    <span className={`pill priority-${t.priority}`}>{t.priority}</span>
                    <span>{t.title}</span>
                    <span className="muted">{t.due_date ? `due ${formatWhen(t.due_date)}` : ''}</span>
                    {t.assignee_name && <span className="muted">{t.assignee_name}</span>}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </article>
  );
}
