/**
 * The supervisor's wallboard: one row per agent from the local mirror (states, today's calls,
 * open tasks), team totals, sort and filter. Pure functions over the data, plus a small store
 * that re-reads the local store when a pull or a write changes it (pokes bring it within moments).
 */
import { create } from 'zustand';
import { AGENT_STATES, type AgentStateName } from '../../src-shared/domain/agent-state';
import { shiftMark, type ShiftMark } from '../../src-shared/domain/shifts';
import type { AgentStateRead } from '../../src-shared/schemas/agent-states';
import type { CallRead } from '../../src-shared/schemas/calls';
import type { TaskRead } from '../../src-shared/schemas/tasks';
import type { UserRead } from '../../src-shared/schemas/users';
import { invoke } from '../bridge';

export interface AgentRow {
  id: string;
  name: string;
  state: AgentStateName;
  reason: string | null;
  since: string | null;
  call: CallRead | null;
  callsToday: number;
  missedToday: number;
  /** average handle time (talk + after-call work), seconds; null without a handled call */
  aht: number | null;
  open: number;
  overdue: number;
  /** against the rota: on shift, on shift but signed out, signed in off shift (null: nothing to say) */
  shift: ShiftMark;
}

export interface Totals {
  callsToday: number;
  missed: number;
  aht: number | null;
  byState: Record<AgentStateName, number>;
  /** on shift but signed out */
  missing: number;
}

const handleSeconds = (c: CallRead) => (c.duration_seconds ?? 0) + (typeof c.metadata.wrap_up_seconds === 'number' ? c.metadata.wrap_up_seconds : 0);
const handled = (c: CallRead) => c.status === 'completed' || c.status === 'wrap_up';

/** `onShift`: the ids of the people on shift now (the rota), for the shift marks. */
export function buildRows(
  users: UserRead[],
  states: Record<string, AgentStateRead>,
  calls: CallRead[],
  tasks: TaskRead[],
  now: number,
  onShift: ReadonlySet<string> = new Set(),
): AgentRow[] {
  const callsBy = new Map<string, CallRead[]>();
  for (const c of calls) if (c.agent_id) callsBy.set(c.agent_id, [...(callsBy.get(c.agent_id) ?? []), c]);
  const tasksBy = new Map<string, { open: number; overdue: number }>();
  for (const t of tasks) {
    if (!t.assignee_id || (t.status !== 'open' && t.status !== 'in_progress')) continue;
    const n = tasksBy.get(t.assignee_id) ?? { open: 0, overdue: 0 };
    n.open++;
    if (t.due_date && Date.parse(t.due_date) < now) n.overdue++;
    tasksBy.set(t.assignee_id, n);
  }
  return users
    .filter((u) => u.active && u.role === 'agent')
    .map((u) => {
      const s = states[u.id];
      const mine = callsBy.get(u.id) ?? [];
      const done = mine.filter(handled);
      return {
        id: u.id,
        name: u.name,
        state: s?.state ?? 'offline',
        reason: s?.reason ?? null,
        since: s?.since ?? null,
        call: s?.call_id ? (mine.find((c) => c.id === s.call_id) ?? null) : null,
        callsToday: done.length,
        missedToday: mine.filter((c) => c.status === 'missed').length,
        aht: done.length ? Math.round(done.reduce((n, c) => n + handleSeconds(c), 0) / done.length) : null,
        open: tasksBy.get(u.id)?.open ?? 0,
        overdue: tasksBy.get(u.id)?.overdue ?? 0,
        shift: shiftMark(onShift.has(u.id), s?.state ?? null),
      };
    });
}

export function totalsOf(rows: AgentRow[]): Totals {
  const byState = Object.fromEntries(AGENT_STATES.map((s) => [s, 0])) as Record<AgentStateName, number>;
  let calls = 0;
  let missed = 0;
  let handleSum = 0;
  let missing = 0;
  for (const r of rows) {
    byState[r.state]++;
    if (r.shift === 'missing') missing++;
    calls += r.callsToday;
    missed += r.missedToday;
    handleSum += (r.aht ?? 0) * r.callsToday;
  }
  return { callsToday: calls, missed, aht: calls ? Math.round(handleSum / calls) : null, byState, missing };
}

export type SortKey = 'name' | 'state' | 'time' | 'calls' | 'open';
const STATE_ORDER: Record<AgentStateName, number> = { on_call: 0, after_call_work: 1, available: 2, not_ready: 3, offline: 4 };

export function sortRows(rows: AgentRow[], key: SortKey, filter: AgentStateName | 'all'): AgentRow[] {
  const out = filter === 'all' ? [...rows] : rows.filter((r) => r.state === filter);
  const by: Record<SortKey, (a: AgentRow, b: AgentRow) => number> = {
    name: (a, b) => a.name.localeCompare(b.name),
    state: (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.name.localeCompare(b.name),
    time: (a, b) => (a.since ?? '9').localeCompare(b.since ?? '9') || a.name.localeCompare(b.name),
    calls: (a, b) => b.callsToday - a.callsToday || a.name.localeCompare(b.name),
    open: (a, b) => b.open - a.open || a.name.localeCompare(b.name),
  };
  return out.sort(by[key]);
}

interface WallboardStore {
  calls: CallRead[];
  tasks: TaskRead[];
  loaded: boolean;
  sort: SortKey;
  filter: AgentStateName | 'all';
  load(): Promise<void>;
  setSort(sort: SortKey): void;
  setFilter(filter: AgentStateName | 'all'): void;
}

export const useWallboard = create<WallboardStore>()((set) => ({
  calls: [],
  tasks: [],
  loaded: false,
  sort: 'state',
  filter: 'all',
  async load() {
    const [calls, tasks] = await Promise.all([invoke('calls.list', { limit: 10_000 }), invoke('tasks.team', { status: ['open', 'in_progress'], limit: 50_000 })]);
    set({ calls, tasks, loaded: true });
  },
  setSort: (sort) => set({ sort }),
  setFilter: (filter) => set({ filter }),
}));
