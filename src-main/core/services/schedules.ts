/**
 * Shifts from the local store (the sync pull mirrors an agent's own, a supervisor's whole
 * organization), and a supervisor's rota edits as local writes: the rulebook's schedule.create /
 * schedule.update, checked here against the mirror (overlaps: 409 CONFLICT at once, also
 * offline) and again by the server when the change syncs.
 */
import { v7 as uuidv7 } from 'uuid';
import { shiftsOverlap } from '../../../src-shared/domain/shifts';
import type { CoreHandlers, IpcArgs } from '../../../src-shared/ipc/contract';
import type { Schedule } from '../../../src-shared/schemas/oncall';
import type { LocalWriter } from '../local-writes';
import type { LocalStore } from '../store';

export class ScheduleService {
  constructor(
    private readonly store: LocalStore,
    private readonly writer: LocalWriter,
  ) {}

  list(args: IpcArgs<'schedules.list'>): Schedule[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (args.staff_id) {
      where.push('staff_id = ?');
      params.push(args.staff_id);
    }
    const to = args.to ? new Date(args.to).toISOString() : null;
    if (to) {
      where.push('start_time < ?');
      params.push(to);
    }
    const rows = this.store.entities.query<Schedule>('schedule', where.join(' AND '), params, 'ORDER BY start_time, id');
    if (!args.from) return rows;
    const window = { startTime: args.from, endTime: to ?? '9999-12-31T23:59:59.999Z' };
    return rows.filter((s) => shiftsOverlap(s, window));
  }

  create(args: IpcArgs<'schedule.create'>): Schedule {
    return this.writer.write<Schedule>('schedule.create', { ...args, id: uuidv7() });
  }

  update(args: IpcArgs<'schedule.update'>): Schedule {
    return this.writer.write<Schedule>('schedule.update', { ...args.patch, id: args.id });
  }
}

type ScheduleHandlers = Pick<CoreHandlers, 'schedules.list' | 'schedule.create' | 'schedule.update'>;

export function scheduleHandlers(s: ScheduleService): ScheduleHandlers {
  return {
    'schedules.list': async (args) => s.list(args),
    'schedule.create': async (args) => s.create(args),
    'schedule.update': async (args) => s.update(args),
  };
}
