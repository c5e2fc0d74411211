/**
 * Add, move or end a shift (supervisors). Times are typed in local time. A refusal is shown in
 * the dialog with what to do about it: an overlap (409) names the shift it collides with.
 */
import { useState } from 'react';
import { SCHEDULE_TYPES, type ScheduleType } from '../../src-shared/domain/enums';
import { SHIFT_TYPE_LABEL } from '../../src-shared/domain/shifts';
import type { Schedule } from '../../src-shared/schemas/oncall';
import { Dialog } from '../components/Dialog';
import { SaveForm } from '../components/SaveForm';
import { asBridgeError, type InvokeError } from '../bridge';
import { friendlyMessage } from '../lib/errors';
import { localDate } from '../lib/time';
import { useReference } from '../stores/reference';
import { useUi } from '../stores/ui';
import { shiftWhen } from './ShiftsView';
import { useShifts } from './store';

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
const text = (v: unknown) => (typeof v === 'string' ? v : '');

/** The ISO instant of a local date + time; an end at or before the start is on the next day (a night shift). */
function instants(date: string, start: string, end: string): { startTime: string; endTime: string } {
  const from = new Date(`${date}T${start}:00`);
  const to = new Date(`${date}T${end}:00`);
  if (to <= from) to.setDate(to.getDate() + 1);
  return { startTime: from.toISOString(), endTime: to.toISOString() };
}

export function conflictMessage(err: InvokeError, shifts: Schedule[], nameOf: (id: string) => string): string {
  if (err.code !== 'CONFLICT') return friendlyMessage(err);
  const other = shifts.find((s) => s.id === err.details?.conflictingScheduleId);
  const who = other ? nameOf(other.staffId) : 'This person';
  return `${who} already has a shift ${other ? shiftWhen(other) : 'at that time'}. One person can't hold two shifts at once: move or end that one first.`;
}

export interface ShiftDialogProps {
  /** an existing shift (move, end, cancel) or a new one for this person on this day */
  shift: Schedule | null;
  staffId?: string;
  day?: string;
  onClose: () => void;
}

export function ShiftDialog({ shift, staffId, day, onClose }: ShiftDialogProps) {
  const users = useReference((s) => s.users);
  const usersById = useReference((s) => s.usersById);
  const { create, update, near, week } = useShifts();
  const toast = useUi((s) => s.toast);
  const start = shift ? new Date(shift.startTime) : null;
  const [staff, setStaff] = useState(shift?.staffId ?? staffId ?? '');
  const [date, setDate] = useState(start ? localDate(start) : (day ?? localDate()));
  const [from, setFrom] = useState(start ? clock(start) : '09:00');
  const [to, setTo] = useState(shift ? clock(new Date(shift.endTime)) : '17:00');
  const [type, setType] = useState<ScheduleType>(shift?.type ?? 'regular');
  const [location, setLocation] = useState(text(shift?.metadata.location));
  const [phone, setPhone] = useState(text(shift?.metadata.phone));
  const [notes, setNotes] = useState(text(shift?.metadata.notes));
  const [handover, setHandover] = useState(text(shift?.metadata.handover_notes));
  const [error, setError] = useState<string | null>(null);
  const nameOf = (id: string) => usersById[id]?.name ?? 'This person';
  const final = shift?.status === 'completed' || shift?.status === 'cancelled';

  const run = async (what: () => Promise<unknown>, done: string) => {
    setError(null);
    try {
      await what();
      toast(done);
      onClose();
    } catch (err) {
      setError(conflictMessage(asBridgeError(err), [...near, ...week], nameOf));
    }
  };

  const metadata = { location, phone, notes, ...(handover ? { handover_notes: handover } : {}) };
  const save = () => {
    const times = instants(date, from, to);
    if (!shift) return run(() => create({ staffId: staff, type, ...times, metadata }), `Shift added for ${nameOf(staff)}.`);
    return run(() => update(shift.id, { staffId: staff, type, ...times, metadata }), `Shift saved for ${nameOf(staff)}.`);
  };
  const endNow = () => {
    if (!shift) return;
    const now = new Date().toISOString();
    // A shift ended while running stops now; one ended before it began keeps its planned times.
    const endTime = Date.parse(shift.startTime) < Date.parse(now) && now < shift.endTime ? now : undefined;
    return run(() => update(shift.id, { status: 'completed', ...(endTime ? { endTime } : {}), metadata: { handover_notes: handover } }), 'Shift ended.');
  };

  return (
    <Dialog title={shift ? `Shift of ${nameOf(shift.staffId)}` : 'Add shift'} onClose={onClose}>
      <SaveForm onSave={save}>
        <label className="field">
          <span>Staff member</span>
          <select value={staff} onChange={(e) => setStaff(e.target.value)} required disabled={final}>
            <option value="">Choose…</option>
            {users
              .filter((u) => u.active)
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
          </select>
        </label>
        <div className="form-grid">
          <label className="field">
            <span>Date</span>
            <input type="date" value={date} onChange={(e) => setDate(e.target.value)} required disabled={final} />
          </label>
          <label className="field">
            <span>Starts</span>
            <input type="time" value={from} onChange={(e) => setFrom(e.target.value)} required disabled={final} />
          </label>
          <label className="field">
            <span>Ends</span>
            <input type="time" value={to} onChange={(e) => setTo(e.target.value)} required disabled={final} />
          </label>
        </div>
        <label className="field">
          <span>Type</span>
          <select value={type} onChange={(e) => setType(e.target.value as ScheduleType)} disabled={final}>
            {SCHEDULE_TYPES.map((t) => (
              <option key={t} value={t}>
                {SHIFT_TYPE_LABEL[t]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Location</span>
          <input value={location} onChange={(e) => setLocation(e.target.value)} maxLength={200} disabled={final} />
        </label>
        <label className="field">
          <span>Contact number (for On call now)</span>
          <input type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} maxLength={32} disabled={final} />
        </label>
        <label className="field">
          <span>Notes</span>
          <textarea value={notes} onChange={(e) => setNotes(e.target.value)} rows={2} maxLength={2000} disabled={final} />
        </label>
        {shift && (
          <label className="field">
            <span>Handover notes</span>
            <textarea value={handover} onChange={(e) => setHandover(e.target.value)} rows={3} maxLength={2000} />
          </label>
        )}
        {error && (
          <p className="error-note" role="alert">
            {error}
          </p>
        )}
        <div className="button-row">
          {shift && !final && (
            <>
              <button type="button" className="ghost-button" onClick={() => void run(() => update(shift.id, { status: 'cancelled' }), 'Shift cancelled.')}>
                Cancel shift
              </button>
              <button type="button" onClick={() => void endNow()}>
                End shift
              </button>
            </>
          )}
          {shift && final && (
            <button type="button" onClick={() => void run(() => update(shift.id, { metadata: { handover_notes: handover } }), 'Handover notes saved.')}>
              Save handover notes
            </button>
          )}
          {!final && (
            <button type="submit" className="primary-button">
              {shift ? 'Save shift' : 'Add shift'}
            </button>
          )}
        </div>
      </SaveForm>
    </Dialog>
  );
}
