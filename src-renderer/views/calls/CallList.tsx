import { memo } from 'react';
import { VirtualList } from '../../components/VirtualList';
import { formatDuration, formatWhen } from '../../lib/time';
import { callFromButton } from '../../phone-api';
import { useIsOnPhone } from '../../phone/live-call';
import { useCalls } from '../../stores/calls';
import { dispositionLabel, useReference } from '../../stores/reference';
import { statusLabel } from './labels';

const CallRow = memo(function CallRow({ id }: { id: string }) {
  const call = useCalls((s) => s.byId[id]);
  const selected = useCalls((s) => s.selectedId === id);
  const select = useCalls((s) => s.select);
  const dispositions = useReference((s) => s.dispositions);
  const onPhone = useIsOnPhone(call ?? { id, metadata: {} });
  if (!call) return null;
  const who = call.patient_name ?? call.phone_number;
  return (
    <div className={selected ? 'row call-row selected' : 'row call-row'}>
      <button
        type="button"
        className="row-main"
        aria-current={selected || undefined}
        aria-label={`${call.direction} call ${who} ${formatWhen(call.started_at)} ${statusLabel(call.status)}`}
        onClick={() => select(id)}
      >
        <span className="cell time">{formatWhen(call.started_at)}</span>
        <span className={`cell dir dir-${call.direction}`} aria-hidden="true">
          {call.direction === 'inbound' ? '↙' : '↗'}
        </span>
        <span className="cell who">
          <span className="primary-text" title={who}>{who}</span>
          {call.patient_name && <span className="secondary-text">{call.phone_number}</span>}
        </span>
        <span className={`cell pill status-${call.status}`}>{statusLabel(call.status)}</span>
        <span className="cell outcome">{dispositionLabel(call.outcome, dispositions)}</span>
        <span className="cell duration">{formatDuration(call.duration_seconds)}</span>
      </button>
      {/* A call the phone is on needs no second line; the slot stays so the columns line up. */}
      <span className="cell row-call">
        {!onPhone && (
          <button type="button" className="ghost-button small" aria-label={`Call back ${who}`} title={`Call back ${call.phone_number}`} onClick={() => callFromButton(call.phone_number, { patient_id: call.patient_id })}>
            Call
          </button>
        )}
      </span>
    </div>
  );
});

export function CallList() {
  const ids = useCalls((s) => s.ids);
  const loaded = useCalls((s) => s.loaded);
  const selectedId = useCalls((s) => s.selectedId);
  return (
    <VirtualList
      ids={ids}
      rowHeight={52}
      label="Call log"
      activeId={selectedId}
      renderRow={(id) => <CallRow id={id} />}
      empty={<p className="empty">{loaded ? 'No calls match these filters.' : 'Loading calls…'}</p>}
    />
  );
}
