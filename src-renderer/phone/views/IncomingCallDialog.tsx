/**
 * An inbound call alerting: who is calling (the screen pop from the local patient directory),
 * answer or decline. During another call it is offered as call waiting: answering puts the
 * current call on hold first.
 */
import { usePatients } from '../../stores/patients';
import { useUi } from '../../stores/ui';
import type { CallSnapshot } from '../phone-call';
import { usePhone } from '../store';

function openPatient(id: string): void {
  useUi.getState().navigate('patients');
  usePatients.getState().select(id);
}

function Incoming({ call }: { call: CallSnapshot }) {
  const run = usePhone((s) => s.run);
  const title = call.waiting ? 'Call waiting' : 'Incoming call';
  const answer = () =>
    void run(async (e) => {
      await e.answer(call.id);
      if (call.patient) openPatient(call.patient.id);
    });
  return (
    <div className="phone-incoming" role="alertdialog" aria-label={title} data-call-id={call.id} aria-describedby={`${call.id}-who`}>
      <h2 className="phone-incoming-title">{title}</h2>
      <div id={`${call.id}-who`} className="phone-screen-pop" data-testid="screen-pop">
        {call.patient ? (
          <>
            <strong className="phone-incoming-name">{call.patient.full_name}</strong>
            <span className="muted">{call.number}</span>
            <button type="button" className="link-button" onClick={() => openPatient(call.patient!.id)}>
              Open patient card
            </button>
          </>
        ) : (
          <>
            <strong className="phone-incoming-name">{call.name ?? call.number}</strong>
            <span className="muted">{call.name ? call.number : 'Not in the patient directory'}</span>
          </>
        )}
      </div>
      <div className="phone-row">
        <button type="button" className="primary-button" onClick={answer}>
          {call.waiting ? 'Hold and answer' : 'Answer'}
        </button>
        <button type="button" className="danger-button" onClick={() => void run((e) => e.decline(call.id))}>
          Decline
        </button>
      </div>
    </div>
  );
}

export function IncomingCallDialog() {
  const calls = usePhone((s) => s.phone.calls);
  const incoming = calls.filter((c) => c.phase === 'incoming');
  if (incoming.length === 0) return null;
  return (
    <div className="phone-incoming-stack">
      {incoming.map((c) => (
        <Incoming key={c.id} call={c} />
      ))}
    </div>
  );
}
