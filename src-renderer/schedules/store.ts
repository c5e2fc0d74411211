/**
 * Shifts from the core's local store: the next two weeks (My shifts, On call now, the
 * wallboard's marks) and the week the rota shows. Writes go through the core (local write +
 * outbox), so a supervisor plans offline too; a refusal (409 overlap) comes back as an error.
 */
import { create } from 'zustand';
import type { IpcArgs } from '../../src-shared/ipc/contract';
import type { Schedule } from '../../src-shared/schemas/oncall';
import { invoke } from '../bridge';

const DAY = 86_400_000;

/** Monday 00:00 local time of the week holding `at`. */
export function weekStartOf(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  return d.getTime();
}

interface ShiftStore {
  /** shifts overlapping yesterday .. two weeks ahead (everyone's for supervisors) */
  near: Schedule[];
  /** the rota's week (Monday 00:00 local, ms) and its shifts */
  weekStart: number;
  week: Schedule[];
  loaded: boolean;
  load(now?: number): Promise<void>;
  showWeek(weekStart: number): Promise<void>;
  create(args: IpcArgs<'schedule.create'>): Promise<Schedule>;
  update(id: string, patch: IpcArgs<'schedule.update'>['patch']): Promise<Schedule>;
}

export const useShifts = create<ShiftStore>()((set, get) => ({
  near: [],
  weekStart: weekStartOf(Date.now()),
  week: [],
  loaded: false,
  async load(now = Date.now()) {
    const { weekStart } = get();
    const [near, week] = await Promise.all([
      invoke('schedules.list', { from: new Date(now - DAY).toISOString(), to: new Date(now + 14 * DAY).toISOString() }),
      invoke('schedules.list', { from: new Date(weekStart).toISOString(), to: new Date(weekStart + 7 * DAY).toISOString() }),
    ]);
    set({ near, week, loaded: true });
  },
  async showWeek(weekStart) {
    set({ weekStart });
    const week = await invoke('schedules.list', { from: new Date(weekStart).toISOString(), to: new Date(weekStart + 7 * DAY).toISOString() });
    if (get().weekStart === weekStart) set({ week });
  },
  async create(args) {
    const shift = await invoke('schedule.create', args);
    await get().load();
    return shift;
  },
  async update(id, patch) {
    const shift = await invoke('schedule.update', { id, patch });
    await get().load();
    return shift;
  },
}));
