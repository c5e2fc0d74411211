/**
 * Shifts (seed 003 schedules): the rules the server, the desktop core (offline edits by
 * supervisors) and the renderer (My shifts, On call now, the rota, the wallboard's marks) share.
 * A shift occupies its staff member from `startTime` to `endTime`; a cancelled one occupies
 * nothing. One person never holds two shifts at the same moment (409 CONFLICT otherwise).
 */
import type { AgentStateName } from './agent-state';
import type { ScheduleStatus, ScheduleType } from './enums';

export interface ShiftTimes {
  id: string;
  staffId: string;
  status: ScheduleStatus;
  startTime: string;
  endTime: string;
}

export const SHIFT_TYPE_LABEL: Record<ScheduleType, string> = {
  regular: 'Regular',
  on_call: 'On call',
  overtime: 'Overtime',
  cover: 'Cover',
  training: 'Training',
};

export const SHIFT_STATUS_LABEL: Record<ScheduleStatus, string> = {
  scheduled: 'Scheduled',
  active: 'Active',
  completed: 'Ended',
  cancelled: 'Cancelled',
};

/** A finished or called-off shift is history: its status no longer moves. */
export const FINAL_SHIFT_STATUSES: readonly ScheduleStatus[] = ['completed', 'cancelled'];

const ms = (t: string) => Date.parse(t);

/** Whether the shift takes up its staff member's time (a cancelled one does not). */
export const occupies = (s: Pick<ShiftTimes, 'status'>) => s.status !== 'cancelled';

/** Half-open intervals: a shift ending at 16:00 and one starting at 16:00 do not overlap. */
export function shiftsOverlap(a: Pick<ShiftTimes, 'startTime' | 'endTime'>, b: Pick<ShiftTimes, 'startTime' | 'endTime'>): boolean {
  return ms(a.startTime) < ms(b.endTime) && ms(b.startTime) < ms(a.endTime);
}

/** The first of `others` that the shift would collide with (same person, both occupying), or null. */
export function overlappingShift<T extends ShiftTimes>(shift: ShiftTimes, others: readonly T[]): T | null {
  if (!occupies(shift)) return null;
  return others.find((o) => o.id !== shift.id && o.staffId === shift.staffId && occupies(o) && shiftsOverlap(shift, o)) ?? null;
}

/** The words a refused overlap carries, so the API and an offline desktop say the same thing. */
export function overlapMessage(other: Pick<ShiftTimes, 'id' | 'startTime' | 'endTime'>): string {
  return `overlaps this person's shift from ${new Date(other.startTime).toISOString()} to ${new Date(other.endTime).toISOString()}`;
}

/** On shift at `now`: started, not ended, neither ended early (completed) nor cancelled. */
export function isOnShift(s: ShiftTimes, now: number): boolean {
  return (s.status === 'scheduled' || s.status === 'active') && ms(s.startTime) <= now && now < ms(s.endTime);
}

/** Still to come or running: what "My shifts" lists. */
export const isCurrentOrUpcoming = (s: ShiftTimes, now: number) => occupies(s) && s.status !== 'completed' && ms(s.endTime) > now;

/**
 * How the wallboard marks an agent against the rota: on shift and signed in; `missing` (on shift
 * but signed out, Offline, or never signed in); `off_shift` (signed in with no shift now); or
 * nothing to say (off shift and signed out).
 */
export type ShiftMark = 'on_shift' | 'missing' | 'off_shift' | null;

export function shiftMark(onShift: boolean, state: AgentStateName | null): ShiftMark {
  const signedIn = state !== null && state !== 'offline';
  if (onShift) return signedIn ? 'on_shift' : 'missing';
  return signedIn ? 'off_shift' : null;
}

export const SHIFT_MARK_LABEL: Record<Exclude<ShiftMark, null>, string> = {
  on_shift: 'On shift',
  missing: 'On shift · signed out',
  off_shift: 'Signed in · off shift',
};
