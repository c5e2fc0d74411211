/**
 * The rota (supervisors, admins; `g r`): a week per team member, one column per day. Click a
 * shift to move, end or cancel it (with handover notes), or "+" to add one. Edits are local
 * writes that work offline and sync; an overlap is refused at once (409) and said plainly.
 */
import { useMemo, useState } from 'react';
import { SHIFT_STATUS_LABEL, SHIFT_TYPE_LABEL } from '../../src-shared/domain/shifts';
import type { Schedule } from '../../src-shared/schemas/oncall';
import { formatTime, localDate } from '../lib/time';
import { useReference } from '../stores/reference';
import { ShiftDialog, type ShiftDialogProps } from './ShiftDialog';
import { useShiftsLive } from './ShiftsView';
import { useShifts, weekStartOf } from './store';

const DAY = 86_400_000;

function dayOf(weekStart: number, i: number): Date {
  const d = new Date(weekStart);
  d.setDate(d.getDate() + i);
  return d;
}

export function RotaView() {
  useShiftsLive();
  const users = useReference((s) => s.users);
  const { week, weekStart, showWeek } = useShifts();
  const [editing, setEditing] = useState<Omit<ShiftDialogProps, 'onClose'> | null>(null);
  const days = useMemo(() => Array.from({ length: 7 }, (_, i) => dayOf(weekStart, i)), [weekStart]);
  const team = users.filter((u) => u.active);
  // A shift shows on the day it starts (a night shift stays in one cell).
  const cell = (staffId: string, day: Date): Schedule[] =>
    week.filter((s) => s.staffId === staffId && localDate(new Date(s.startTime)) === localDate(day)).sort((a, b) => a.startTime.localeCompare(b.startTime));
  const title = `Week of ${days[0]!.toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' })}`;

  return (
    <section className="view rota" aria-labelledby="rota-title">
      <header className="view-header">
        <h1 id="rota-title">Rota</h1>
        <div className="button-row">
          <button type="button" className="ghost-button" onClick={() => void showWeek(weekStartOf(weekStart - DAY))}>
            Previous week
          </button>
          <button type="button" className="ghost-button" onClick={() => void showWeek(weekStartOf(Date.now()))}>
            This week
          </button>
          <button type="button" className="ghost-button" onClick={() => void showWeek(weekStartOf(weekStart + 8 * DAY))}>
            Next week
          </button>
          <button type="button" className="primary-button" onClick={() => setEditing({ shift: null, day: localDate() })}>
            Add shift
          </button>
        </div>
      </header>
      <div className="rota-scroll">
        <table className="rota-grid" aria-label={title}>
          <caption className="muted">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Team member</th>
              {days.map((d) => (
                <th scope="col" key={d.getTime()}>
                  {d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' })}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {team.map((u) => (
              <tr key={u.id}>
                <th scope="row">{u.name}</th>
                {days.map((d) => (
                  <td key={d.getTime()}>
                    {cell(u.id, d).map((s) => (
                      <button
                        key={s.id}
                        type="button"
                        className={`shift-chip shift-${s.status} shift-type-${s.type}`}
                        aria-label={`${u.name}, ${SHIFT_TYPE_LABEL[s.type]} ${formatTime(s.startTime)} to ${formatTime(s.endTime)}, ${SHIFT_STATUS_LABEL[s.status]}`}
                        onClick={() => setEditing({ shift: s })}
                      >
                        {formatTime(s.startTime)}–{formatTime(s.endTime)}
                        <small>{s.status === 'scheduled' ? SHIFT_TYPE_LABEL[s.type] : SHIFT_STATUS_LABEL[s.status]}</small>
                      </button>
                    ))}
                    <button
                      type="button"
                      className="icon-button add-shift"
                      aria-label={`Add a shift for ${u.name} on ${d.toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long' })}`}
                      onClick={() => setEditing({ shift: null, staffId: u.id, day: localDate(d) })}
                    >
                      +
                    </button>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editing && <ShiftDialog {...editing} onClose={() => setEditing(null)} />}
    </section>
  );
}
