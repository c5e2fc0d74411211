/**
 * Shifts (everyone, `g s`): "On call now" (who is on shift this minute, with a Call button when
 * the shift names a contact number) and "My shifts" (the current one and those to come), from the
 * local store: it works offline and follows pulls through data.changed.
 */
import { useEffect, useMemo } from 'react';
import { SHIFT_STATUS_LABEL, SHIFT_TYPE_LABEL, isCurrentOrUpcoming, isOnShift } from '../../src-shared/domain/shifts';
import type { Schedule } from '../../src-shared/schemas/oncall';
import { on } from '../bridge';
import { useNow } from '../lib/hooks';
import { formatTime, formatWhen } from '../lib/time';
import { callFromButton } from '../phone-api';
import { useReference } from '../stores/reference';
import { useSession } from '../stores/session';
import { useShifts } from './store';

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** "Mon 3 Dec, 09:00–17:00" (the end's date too when it ends on another day). */
export function shiftWhen(s: Pick<Schedule, 'startTime' | 'endTime'>): string {
  const start = new Date(s.startTime);
  const end = new Date(s.endTime);
  const day = (d: Date) => d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
  return `${day(start)}, ${formatTime(s.startTime)}–${day(end) === day(start) ? '' : `${day(end)}, `}${formatTime(s.endTime)}`;
}

export function useShiftsLive(): void {
  const load = useShifts((s) => s.load);
  useEffect(() => {
    void load();
    return on('data.changed', (p) => {
      if (p.entities.includes('schedule')) void load();
    });
  }, [load]);
}

function OnCallNow({ shifts, now }: { shifts: Schedule[]; now: number }) {
  const usersById = useReference((s) => s.usersById);
  // The on-call shifts first (who to escalate to), then everyone else on shift; soonest to end first.
  const current = shifts
    .filter((s) => isOnShift(s, now))
    .sort((a, b) => Number(b.type === 'on_call') - Number(a.type === 'on_call') || a.endTime.localeCompare(b.endTime));
  return (
    <section aria-labelledby="on-call-now">
      <h2 id="on-call-now">On call now</h2>
      {current.length === 0 ? (
        <p className="empty">Nobody is on shift right now.</p>
      ) : (
        <ul className="shift-list" aria-label="On call now">
          {current.map((s) => {
            const name = usersById[s.staffId]?.name ?? 'Unknown staff member';
            const phone = text(s.metadata.phone);
            return (
              <li key={s.id} className="shift-item">
                <span className="primary-text">{name}</span>
                <span className="muted">
                  {SHIFT_TYPE_LABEL[s.type]} · until {formatWhen(s.endTime, now)}
                  {text(s.metadata.location) ? ` · ${text(s.metadata.location)}` : ''}
                </span>
                {phone && (
                  <button type="button" className="small" aria-label={`Call ${name} on ${phone}`} onClick={() => callFromButton(phone)}>
                    Call
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function MyShifts({ shifts, now }: { shifts: Schedule[]; now: number }) {
  return (
    <section aria-labelledby="my-shifts">
      <h2 id="my-shifts">My shifts</h2>
      {shifts.length === 0 ? (
        <p className="empty">No shifts planned for you in the next two weeks.</p>
      ) : (
        <ul className="shift-list" aria-label="My shifts">
          {shifts.map((s) => (
            <li key={s.id} className={isOnShift(s, now) ? 'shift-item shift-now' : 'shift-item'} aria-current={isOnShift(s, now) ? 'true' : undefined}>
              <span className="primary-text">{shiftWhen(s)}</span>
              <span className="muted">
                {SHIFT_TYPE_LABEL[s.type]} · {isOnShift(s, now) ? 'Now' : SHIFT_STATUS_LABEL[s.status]}
                {text(s.metadata.location) ? ` · ${text(s.metadata.location)}` : ''}
              </span>
              {text(s.metadata.notes) && <span className="shift-notes">{text(s.metadata.notes)}</span>}
              {text(s.metadata.handover_notes) && <span className="shift-notes">Handover: {text(s.metadata.handover_notes)}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function ShiftsView() {
  useShiftsLive();
  const near = useShifts((s) => s.near);
  const me = useSession((s) => s.session?.user.id);
  const now = useNow(30_000);
  const mine = useMemo(() => near.filter((s) => s.staffId === me && isCurrentOrUpcoming(s, now)), [near, me, now]);
  return (
    <section className="view shifts" aria-labelledby="shifts-title">
      <header className="view-header">
        <h1 id="shifts-title">Shifts</h1>
      </header>
      <div className="shift-columns">
        <OnCallNow shifts={near} now={now} />
        <MyShifts shifts={mine} now={now} />
      </div>
    </section>
  );
}
