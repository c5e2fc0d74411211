/** The supervisor's team board: every open task in the organization, per-agent counts, a selection. */
import { create } from 'zustand';
import type { TaskRead } from '../../src-shared/schemas/tasks';
import { type InvokeError, asBridgeError, invoke } from '../bridge';
import { coalesce, mergeById, sameIdsOr } from '../lib/records';
import { DEFAULT_TASK_QUERY, type TaskQuery, isOverdue, statusArgs, visibleTaskIds } from '../lib/task-order';
import { useUi } from './ui';

export const UNASSIGNED = 'unassigned';

export interface QueueCounts {
  open: number;
  in_progress: number;
  overdue: number;
  urgent: number;
}

interface TeamState {
  query: TaskQuery;
  /** 'all', UNASSIGNED, or a user id */
  assignee: string;
  ids: string[];
  byId: Record<string, TaskRead>;
  counts: Record<string, QueueCounts>;
  total: QueueCounts;
  loaded: boolean;
  error: InvokeError | null;
  selected: Record<string, true>;
  cursorId: string | null;
  reassigning: boolean;
  reassignError: InvokeError | null;
  setQuery(patch: Partial<TaskQuery>): void;
  setAssignee(assignee: string): void;
  load(): Promise<void>;
  toggle(id: string): void;
  selectAllVisible(on: boolean): void;
  clearSelection(): void;
  moveCursor(delta: number): void;
  reassign(ids: string[], assigneeId: string): Promise<boolean>;
}

const zero = (): QueueCounts => ({ open: 0, in_progress: 0, overdue: 0, urgent: 0 });

function countQueues(byId: Record<string, TaskRead>, now: number) {
  const counts: Record<string, QueueCounts> = {};
  const total = zero();
  for (const id in byId) {
    const t = byId[id]!;
    if (t.status !== 'open' && t.status !== 'in_progress') continue;
    const c = (counts[t.assignee_id ?? UNASSIGNED] ??= zero());
    for (const target of [c, total]) {
      target[t.status]++;
      if (isOverdue(t, now)) target.overdue++;
      if (t.priority === 'urgent') target.urgent++;
    }
  }
  return { counts, total };
}

/** Puts each task back with the agent it had before (one reassign per former agent). */
async function undoReassign(previous: ReadonlyArray<readonly [string, string | null]>): Promise<void> {
  const byAgent = new Map<string | null, string[]>();
  for (const [id, agent] of previous) byAgent.set(agent, [...(byAgent.get(agent) ?? []), id]);
  try {
    for (const [agent, ids] of byAgent) {
      if (agent) await invoke('tasks.reassign', { ids, assignee_id: agent });
      else for (const id of ids) await invoke('task.update', { id, patch: { assignee_id: null } });
    }
    useUi.getState().toast('Reassignment undone.');
  } catch (err) {
    useUi.getState().toast(`Could not undo: ${asBridgeError(err).message}`, 'error');
  }
  void useTeam.getState().load();
}

export const useTeam = create<TeamState>()((set, get) => {
  const recompute = (byId: Record<string, TaskRead>) => {
    const { assignee, query } = get();
    const byAssignee =
      assignee === 'all' ? undefined : (t: TaskRead) => (assignee === UNASSIGNED ? t.assignee_id === null : t.assignee_id === assignee);
    return sameIdsOr(get().ids, visibleTaskIds(byId, query, Date.now(), byAssignee));
  };

  const load = coalesce(async () => {
    try {
      const list = await invoke('tasks.team', { ...statusArgs(get().query), limit: 50_000 });
      const byId = mergeById(get().byId, list);
      // Drop selected ids that left the board so a bulk action never targets an invisible task.
      const selected = Object.fromEntries(Object.keys(get().selected).filter((id) => byId[id]).map((id) => [id, true as const]));
      set({ byId, ids: recompute(byId), ...countQueues(byId, Date.now()), selected, loaded: true, error: null });
    } catch (err) {
      set({ error: asBridgeError(err), loaded: true });
    }
  });

  return {
    query: DEFAULT_TASK_QUERY,
    assignee: 'all',
    ids: [],
    byId: {},
    counts: {},
    total: zero(),
    loaded: false,
    error: null,
    selected: {},
    cursorId: null,
    reassigning: false,
    reassignError: null,
    setQuery(patch) {
      const before = get().query;
      set({ query: { ...before, ...patch } });
      set({ ids: recompute(get().byId) });
      if (get().query.status !== before.status) void load();
    },
    setAssignee(assignee) {
      set({ assignee, selected: {} });
      set({ ids: recompute(get().byId) });
    },
    load,
    toggle(id) {
      const { [id]: was, ...rest } = get().selected;
      set({ selected: was ? rest : { ...rest, [id]: true } });
    },
    selectAllVisible(on) {
      set({ selected: on ? Object.fromEntries(get().ids.map((id) => [id, true as const])) : {} });
    },
    clearSelection() {
      set({ selected: {} });
    },
    moveCursor(delta) {
      const { ids, cursorId } = get();
      if (ids.length === 0) return;
      const at = cursorId ? ids.indexOf(cursorId) : -1;
      const next = at < 0 ? (delta > 0 ? 0 : ids.length - 1) : Math.min(ids.length - 1, Math.max(0, at + delta));
      set({ cursorId: ids[next]! });
    },
    async reassign(ids, assigneeId) {
      set({ reassigning: true, reassignError: null });
      try {
        const previous = ids.map((id) => [id, get().byId[id]?.assignee_id ?? null] as const);
        const updated = await invoke('tasks.reassign', { ids, assignee_id: assigneeId });
        const byId = { ...get().byId };
        for (const t of updated) byId[t.id] = t;
        const selected = { ...get().selected };
        for (const id of ids) delete selected[id];
        set({ byId, ids: recompute(byId), ...countQueues(byId, Date.now()), selected, reassigning: false });
        const name = updated[0]?.assignee_name ?? 'the agent';
        const what = ids.length === 1 ? `"${updated[0]?.title ?? 'Task'}"` : `${ids.length} tasks`;
        useUi.getState().toast(`Reassigned ${what} to ${name}.`, 'info', { label: 'Undo', run: () => void undoReassign(previous) });
        return true;
      } catch (err) {
        set({ reassigning: false, reassignError: asBridgeError(err) });
        return false;
      }
    },
  };
});

export const useSelectedCount = () => useTeam((s) => Object.keys(s.selected).length);
