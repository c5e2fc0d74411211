/**
 * schedule.create / schedule.update: seed 003's shifts, planned by supervisors and admins, also
 * offline on their desktops. Rules: the staff member is a user of the organization, a shift ends
 * after it starts, a completed or cancelled shift's status no longer moves, and one person never
 * holds two shifts at once (409 CONFLICT, ../domain/shifts.ts).
 */
import { FINAL_SHIFT_STATUSES, overlapMessage, overlappingShift } from '../domain/shifts';
import type { Schedule } from '../schemas/oncall';
import type { Mutator } from './define';
import { RuleError, forbidden, invalid, notFound } from './rule-error';
import { canSee, differs, mergeFreeForm, toUtc } from './rules';
import { isSupervisorRole, type MutatorTx } from './tx';

interface ShiftFields {
  staffId?: string;
  startTime?: string;
  endTime?: string;
}

/**
 * Where the shift will be once the change applies: who and when. The server loads the shifts
 * around it before running the body, so both compute it with this one function.
 */
export function shiftWindow(args: ShiftFields, current: Schedule | null | undefined): { staffId: string; startTime: string; endTime: string } | null {
  const staffId = args.staffId ?? current?.staffId;
  const startTime = args.startTime ?? current?.startTime;
  const endTime = args.endTime ?? current?.endTime;
  if (!staffId || !startTime || !endTime) return null;
  return { staffId, startTime: toUtc('startTime', startTime), endTime: toUtc('endTime', endTime) };
}

function requirePlanner(tx: MutatorTx) {
  if (!isSupervisorRole(tx.actor.role)) throw forbidden('only supervisors and admins plan shifts');
}

function checkStaff(tx: MutatorTx, staffId: string) {
  const user = tx.read('user', staffId);
  if (user === null) throw invalid({ staffId: 'no such staff member in this organization' });
}

function checkTimes(next: Schedule) {
  if (Date.parse(next.endTime) <= Date.parse(next.startTime)) throw invalid({ endTime: 'must be after startTime' });
}

/** 409 when the shift would overlap another of the same person's (when this side can tell). */
function checkOverlap(tx: MutatorTx, next: Schedule) {
  const around = tx.shifts(next.staffId, next.startTime, next.endTime);
  const other = around && overlappingShift(next, around);
  if (other) {
    throw new RuleError('CONFLICT', `This shift overlaps another shift of the same person (${other.startTime} to ${other.endTime})`, {
      startTime: overlapMessage(other),
      conflictingScheduleId: other.id,
    });
  }
}

export const scheduleCreate: Mutator<'schedule.create'> = {
  name: 'schedule.create',
  reads: (a) => ({ records: [['user', a.staffId]], shifts: true }),
  run(tx, a) {
    requirePlanner(tx);
    checkStaff(tx, a.staffId);
    if (tx.taken('schedule', a.id)) throw new RuleError('CONFLICT', 'a schedule with this id already exists');
    const next: Schedule = {
      id: a.id,
      staffId: a.staffId,
      type: a.type,
      status: a.status,
      startTime: toUtc('startTime', a.startTime),
      endTime: toUtc('endTime', a.endTime),
      metadata: a.metadata,
      organizationId: tx.actor.organizationId,
      createdAt: tx.now,
      updatedAt: tx.now,
    };
    checkTimes(next);
    checkOverlap(tx, next);
    tx.write('schedule', next);
  },
};

export const scheduleUpdate: Mutator<'schedule.update'> = {
  name: 'schedule.update',
  reads: (a) => ({ records: [['schedule', a.id], ...(a.staffId ? [['user', a.staffId] as ['user', string]] : [])], shifts: true }),
  run(tx, a) {
    requirePlanner(tx);
    const current = tx.read('schedule', a.id);
    if (!current || !canSee(tx.actor, 'schedule', current)) throw notFound('schedule');
    if (a.staffId) checkStaff(tx, a.staffId);
    if (a.status && a.status !== current.status && FINAL_SHIFT_STATUSES.includes(current.status)) {
      throw new RuleError('INVALID_STATUS_TRANSITION', `a schedule cannot go from ${current.status} to ${a.status}`, {
        status: `${current.status} is a final status`,
      });
    }
    const next: Schedule = { ...current };
    if (a.staffId !== undefined) next.staffId = a.staffId;
    if (a.type !== undefined) next.type = a.type;
    if (a.status !== undefined) next.status = a.status;
    if (a.startTime !== undefined) next.startTime = toUtc('startTime', a.startTime);
    if (a.endTime !== undefined) next.endTime = toUtc('endTime', a.endTime);
    // Seed 003 PATCHes metadata as a partial object (handover notes): merged over what is there.
    if (a.metadata !== undefined) next.metadata = mergeFreeForm('metadata', current.metadata, a.metadata);
    checkTimes(next);
    if (!differs(current, next)) return;
    // Only a move (who or when) is checked again: an old overlap never blocks a note.
    const moved = next.staffId !== current.staffId || next.startTime !== current.startTime || next.endTime !== current.endTime;
    if (moved) checkOverlap(tx, next);
    next.updatedAt = tx.now;
    tx.write('schedule', next);
  },
};
