/** One live call: who, how long, and the controls (mute, hold, keypad, transfers, hang up). */
import { useState } from 'react';
import { useNow } from '../../lib/hooks';
import { formatDuration } from '../../lib/time';
import type { CallSnapshot } from '../phone-call';
import { undismissedEnds, usePhone } from '../store';
import { CallQuality } from './CallQuality';
import { Keypad } from './Keypad';

function phaseText(call: CallSnapshot): string {
  switch (call.phase) {
    case 'dialing':
      return 'Calling…';
    case 'alerting':
      return 'Ringing…';
    case 'incoming':
      return 'Incoming…';
    case 'connecting':
      return 'Connecting…';
    case 'ended':
      return 'Ended';
    default:
      if (call.recovering) return 'Reconnecting audio…';
      if (call.held) return 'On hold';
      if (call.heldByRemote) return 'Held by the other party';
      return call.role === 'consult' ? 'Consulting' : 'Connected';
  }
}

function TransferControls({ call, onDone }: { call: CallSnapshot; onDone: () => void }) {
  const run = usePhone((s) => s.run);
  const [target, setTarget] = useState('');
  const go = (kind: 'blind' | 'consult') => {
    if (!target.trim()) return;
    void run((e) => (kind === 'blind' ? e.blindTransfer(call.id, target.trim()) : e.startConsult(call.id, target.trim())));
    onDone();
  };
  return (
    <div className="phone-transfer" role="group" aria-label="Transfer">
      <label className="field">
        <span>Transfer to</span>
        <input type="tel" value={target} onChange={(e) => setTarget(e.target.value)} data-autofocus />
      </label>
      <div className="phone-row">
        <button type="button" className="ghost-button" onClick={() => go('blind')} disabled={!target.trim()}>
          Blind transfer
        </button>
        <button type="button" className="ghost-button" onClick={() => go('consult')} disabled={!target.trim()}>
          Consult first
        </button>
      </div>
    </div>
  );
}

export function CallCard({ call }: { call: CallSnapshot }) {
  const run = usePhone((s) => s.run);
  const now = useNow(1000);
  const [panel, setPanel] = useState<'none' | 'keypad' | 'transfer'>('none');
  const who = call.patient?.full_name ?? call.name ?? call.number;
  const live = call.phase === 'active';
  const toggle = (p: 'keypad' | 'transfer') => setPanel(panel === p ? 'none' : p);

  return (
    <section className="phone-call" data-call-id={call.id} data-phase={call.phase} data-held={call.held} data-early-media={call.earlyMedia} data-ice-restarts={call.iceRestarts} aria-label={`Call with ${who}`}>
      <header className="phone-call-header">
        <CallParty call={call} who={who} />
        <div className="phone-call-state">
          <span data-testid="call-state">{phaseText(call)}</span>
          {call.connectedAt && (
            <span className="phone-timer" data-testid="call-timer">
              {formatDuration((now - call.connectedAt) / 1000)}
            </span>
          )}
        </div>
      </header>
      {call.transfer && (
        <p className="phone-small" data-testid="transfer-state">
          {call.transfer.kind === 'blind' ? 'Blind transfer' : 'Transfer'} to {call.transfer.target}:{' '}
          {call.transfer.state === 'requested' ? 'in progress…' : call.transfer.state === 'done' ? 'done' : `failed (${call.transfer.detail ?? 'refused'})`}
        </p>
      )}
      {(call.dtmfSent || call.dtmfReceived) && (
        <p className="phone-small muted">
          {call.dtmfSent && <span data-testid="dtmf-sent">Sent: {call.dtmfSent}</span>} {call.dtmfReceived && <span data-testid="dtmf-received">Received: {call.dtmfReceived}</span>}
        </p>
      )}
      {live && call.quality && <CallQuality quality={call.quality} />}
      {call.error && (
        <p className="field-error phone-small" role="alert">
          {call.error}
        </p>
      )}
      <div className="phone-row phone-controls">
        {live && (
          <>
            <button type="button" className="ghost-button" aria-pressed={call.muted} onClick={() => void run((e) => e.setMuted(call.id, !call.muted))}>
              {call.muted ? 'Unmute' : 'Mute'}
            </button>
            <button type="button" className="ghost-button" aria-pressed={call.held} onClick={() => void run((e) => e.setHold(call.id, !call.held))}>
              {call.held ? 'Resume' : 'Hold'}
            </button>
            <button type="button" className="ghost-button" aria-expanded={panel === 'keypad'} onClick={() => toggle('keypad')}>
              Keypad
            </button>
            {call.role === 'normal' && (
              <button type="button" className="ghost-button" aria-expanded={panel === 'transfer'} onClick={() => toggle('transfer')}>
                Transfer
              </button>
            )}
          </>
        )}
        {live && call.role === 'consult' && call.consultFor && (
          <>
            <button type="button" className="primary-button" onClick={() => void run((e) => e.completeTransfer(call.id))}>
              Complete transfer
            </button>
            <button type="button" className="ghost-button" onClick={() => void run((e) => e.cancelConsult(call.id))}>
              Cancel transfer
            </button>
          </>
        )}
        <button type="button" className="danger-button" onClick={() => void run((e) => e.hangup(call.id))}>
          Hang up
        </button>
      </div>
      {live && panel === 'keypad' && <Keypad label="Send tone" onKey={(k) => void run((e) => e.sendDtmf(call.id, k))} />}
      {live && panel === 'transfer' && <TransferControls call={call} onDone={() => setPanel('none')} />}
    </section>
  );
}

/** Who the call is with, and the number it came from or went to. */
function CallParty({ call, who }: { call: CallSnapshot; who: string }) {
  return (
    <div>
      <strong className="phone-call-who">{who}</strong>
      <div className="muted phone-small">
        {call.direction === 'inbound' ? 'From' : 'To'} {call.number}
      </div>
    </div>
  );
}

/**
 * A call that dropped (no agent hung up): its card stays, saying why, until the agent dismisses
 * it. Without it a call the network or the other phone ended would just vanish from the screen.
 */
function EndedCallCard({ call }: { call: CallSnapshot }) {
  const dismiss = usePhone((s) => s.dismissEnded);
  const who = call.patient?.full_name ?? call.name ?? call.number;
  return (
    <section className="phone-call phone-call-ended" data-ended-call-id={call.id} aria-label={`Call with ${who} ended`}>
      <header className="phone-call-header">
        <CallParty call={call} who={who} />
        <div className="phone-call-state">
          <span data-testid="ended-call-state">Call ended</span>
        </div>
      </header>
      <p className="field-error phone-small" role="alert">
        {call.endNote}
      </p>
      <div className="phone-row phone-controls">
        <button type="button" className="ghost-button" onClick={() => dismiss(call.id)}>
          Dismiss
        </button>
      </div>
    </section>
  );
}

/** Every live call that is not waiting to be answered (those are in the incoming dialog), then calls that dropped. */
export function InCallPanel() {
  const calls = usePhone((s) => s.phone.calls);
  const recent = usePhone((s) => s.phone.recent);
  const dismissed = usePhone((s) => s.dismissedEnds);
  const shown = calls.filter((c) => c.phase !== 'incoming');
  const dropped = undismissedEnds(recent, dismissed);
  if (shown.length === 0 && dropped.length === 0) return null;
  return (
    <div className="phone-calls" aria-label="Calls in progress">
      {shown.map((c) => (
        <CallCard key={c.id} call={c} />
      ))}
      {dropped.map((c) => (
        <EndedCallCard key={c.id} call={c} />
      ))}
    </div>
  );
}
