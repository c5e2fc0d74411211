/**
 * One call: who, when, status actions, calling back, the wrap-up timer, the outcome, notes and
 * follow-ups. While the softphone is handling the call, its status follows the SIP events, so the
 * manual status actions give way to a note saying where the call is controlled.
 */
import { useEffect, useState } from 'react';
import { type CallStatus, canTransitionCall } from '../../../src-shared/domain/call-status';
import type { PatientRead } from '../../../src-shared/schemas/patients';
import { type InvokeError, asBridgeError, invoke } from '../../bridge';
import { ErrorNote } from '../../components/ErrorNote';
import { formatDuration, formatWhen } from '../../lib/time';
import { callFromButton } from '../../phone-api';
import { liveLegText, useLiveLeg } from '../../phone/live-call';
import { useCalls } from '../../stores/calls';
import { usePatients } from '../../stores/patients';
import { useUi } from '../../stores/ui';
import { CallNotes } from './CallNotes';
import { FollowUps } from './FollowUps';
import { statusLabel } from './labels';
import { OutcomePicker } from './OutcomePicker';
import { WrapUpTimer } from './WrapUpTimer';

const ACTIONS: { to: CallStatus; label: string; from: CallStatus[] }[] = [
  { to: 'active', label: 'Answer', from: ['ringing'] },
  { to: 'active', label: 'Connected', from: ['pending'] },
  { to: 'active', label: 'Resume', from: ['on_hold'] },
  { to: 'on_hold', label: 'Hold', from: ['active'] },
  { to: 'wrap_up', label: 'End call', from: ['active', 'on_hold'] },
  { to: 'missed', label: 'Missed', from: ['pending', 'ringing'] },
  { to: 'cancelled', label: 'Cancel call', from: ['pending', 'ringing'] },
];

/** A call logged without a patient: offer the patient whose number it is. */
function PatientMatch({ callId, phone }: { callId: string; phone: string }) {
  const [match, setMatch] = useState<PatientRead | null>(null);
  const update = useCalls((s) => s.update);
  useEffect(() => {
    let live = true;
    invoke('patients.lookupByNumber', { phone })
      .then((p) => live && setMatch(p))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [phone]);
  if (!match) return null;
  return (
    <button type="button" className="ghost-button" onClick={() => void update(callId, { patient_id: match.id })}>
      Link to {match.full_name}
    </button>
  );
}

export function CallDetail({ id }: { id: string }) {
  const call = useCalls((s) => s.byId[id]);
  const update = useCalls((s) => s.update);
  const navigate = useUi((s) => s.navigate);
  const selectPatient = usePatients((s) => s.select);
  const [error, setError] = useState<InvokeError | null>(null);
  const leg = useLiveLeg(call ?? { id, metadata: {} });

  if (!call) return <p className="empty">Loading call…</p>;

  const move = async (to: CallStatus) => {
    setError(null);
    try {
      await update(call.id, { status: to });
    } catch (err) {
      setError(asBridgeError(err));
    }
  };

  const openPatient = () => {
    if (!call.patient_id) return;
    selectPatient(call.patient_id);
    navigate('patients');
  };

  const actions = ACTIONS.filter((a) => a.from.includes(call.status) && canTransitionCall(call.status, a.to));

  return (
    <article className="call-detail" aria-labelledby="call-title">
      <header className="detail-header">
        <div>
          <h2 id="call-title">{call.patient_name ?? call.phone_number}</h2>
          <p className="muted">
            {call.direction === 'inbound' ? 'Inbound' : 'Outbound'} · {call.phone_number} · started {formatWhen(call.started_at)}
            {call.duration_seconds !== null && ` · ${formatDuration(call.duration_seconds)}`}
            {call.agent_name && ` · ${call.agent_name}`}
          </p>
        </div>
        <span className={`pill status-${call.status}`} data-testid="call-status">
          {statusLabel(call.status)}
        </span>
      </header>

      {leg && (
        <p className="phone-owned" role="note" aria-label="Controlled by the phone">
          {liveLegText(leg)} Its status follows the call, so it cannot be changed here; notes and the outcome can.
        </p>
      )}
      <div className="button-row">
        {!leg &&
          actions.map((a) => (
            <button key={a.label} type="button" className={a.to === 'wrap_up' ? 'primary-button' : 'ghost-button'} onClick={() => void move(a.to)}>
              {a.label}
            </button>
          ))}
        {!leg && (
          <button type="button" className="ghost-button" aria-label={`Call back ${call.phone_number}`} onClick={() => callFromButton(call.phone_number, { patient_id: call.patient_id })}>
            Call back
          </button>
        )}
        {call.patient_id ? (
          <button type="button" className="ghost-button" onClick={openPatient}>
            Open patient
          </button>
        ) : (
          <PatientMatch callId={call.id} phone={call.phone_number} />
        )}
      </div>
      <ErrorNote error={error} />

      {call.status === 'wrap_up' && <WrapUpTimer since={call.ended_at ?? call.updated_at} />}

      <OutcomePicker call={call} />
      <CallNotes call={call} />
      <FollowUps callId={call.id} />
    </article>
  );
}
