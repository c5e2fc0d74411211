/** The signed-in agent's task queue: ids in queue order plus a map by id. */
import { create } from 'zustand';
import type { TaskStatus } from '../../src-shared/domain/task-status';
import type { TaskCreate, TaskRead, TaskUpdate } from '../../src-shared/schemas/tasks';
import { type InvokeError, asBridgeError, invoke } from '../bridge';
import { coalesce, mergeById, sameIdsOr, upsertOne } from '../lib/records';
import { DEFAULT_TASK_QUERY, type TaskQuery, isOpenTask, statusArgs, visibleTaskIds } from '../lib/task-order';
import { currentUserId } from './session';

interface TasksState {
  query: TaskQuery;
  ids: string[];
  byId: Record<string, TaskRead>;
  /** open + in progress, whatever the filter (the nav badge) */
  openCount: number;
  loaded: boolean;
  error: InvokeError | null;
  /** the last failed action per task, shown in its row until the next attempt */
  rowErrors: Record<string, InvokeError>;
  selectedId: string | null;
  setQuery(patch: Partial<TaskQuery>): void;
  load(): Promise<void>;
  select(id: string | null): void;
  selectRelative(delta: number): void;
  create(args: TaskCreate): Promise<TaskRead>;
  update(id: string, patch: TaskUpdate): Promise<TaskRead | null>;
  setStatus(id: string, status: TaskStatus): Promise<TaskRead | null>;
  cancel(id: string): Promise<TaskRead | null>;
  put(task: TaskRead): void;
}

export const useTasks = create<TasksState>()((set, get) => {
  const recompute = (byId: Record<string, TaskRead>) => {
    const me = currentUserId();
    // Reassigned away: the record may still be in the map until the next query; hide it now.
    return sameIdsOr(get().ids, visibleTaskIds(byId, get().query, Date.now(), (t) => !me || t.assignee_id === me));
  };

  /** Like an inbox: when the open task leaves the list (completed, cancelled, moved), open the next. */
  const followSelection = (ids: string[]): Pick<TasksState, 'ids' | 'selectedId'> => {
    const { ids: before, selectedId } = get();
    if (!selectedId || ids.includes(selectedId) || !before.includes(selectedId)) return { ids, selectedId };
    const at = Math.min(before.indexOf(selectedId), ids.length - 1);
    return { ids, selectedId: at >= 0 ? ids[at]! : null };
  };

  const countOpen = (byId: Record<string, TaskRead>) => {
    const me = currentUserId();
    let n = 0;
    for (const id in byId) if (isOpenTask(byId[id]!) && (!me || byId[id]!.assignee_id === me)) n++;
    return n;
  };

  /** The badge counts open work whatever the list shows: a Completed filter must not hide it. */
  const openCountFor = async (byId: Record<string, TaskRead>): Promise<number> => {
    const { status } = get().query;
    if (status === 'active' || status === 'all') return countOpen(byId);
    const open = await invoke('tasks.mine', { status: ['open', 'in_progress'], limit: 50_000 });
    return countOpen(Object.fromEntries(open.map((t) => [t.id, t])));
  };

  const load = coalesce(async () => {
    try {
      const list = await invoke('tasks.mine', { ...statusArgs(get().query), limit: 50_000 });
      const byId = mergeById(get().byId, list);
      const openCount = await openCountFor(byId);
      set({ byId, ...followSelection(recompute(byId)), openCount, loaded: true, error: null });
    } catch (err) {
      set({ error: asBridgeError(err), loaded: true });
    }
  });

  const act = async (id: string, run: () => Promise<TaskRead>): Promise<TaskRead | null> => {
    const { [id]: _old, ...rest } = get().rowErrors;
    set({ rowErrors: rest });
    try {
      const task = await run();
      get().put(task);
      return task;
    } catch (err) {
      set({ rowErrors: { ...get().rowErrors, [id]: asBridgeError(err) } });
      return null;
    }
  };

  return {
    query: DEFAULT_TASK_QUERY,
    ids: [],
    byId: {},
    openCount: 0,
    loaded: false,
    error: null,
    rowErrors: {},
    selectedId: null,
    setQuery(patch) {
      const before = get().query;
      const query = { ...before, ...patch };
      set({ query });
      set({ ids: recompute(get().byId) });
      if (query.status !== before.status) void load();
    },
    load,
    select(id) {
      set({ selectedId: id });
    },
    selectRelative(delta) {
      const { ids, selectedId } = get();
      if (ids.length === 0) return;
      const at = selectedId ? ids.indexOf(selectedId) : -1;
      const next = at < 0 ? (delta > 0 ? 0 : ids.length - 1) : Math.min(ids.length - 1, Math.max(0, at + delta));
      set({ selectedId: ids[next]! });
    },
    async create(args) {
      const task = await invoke('task.create', args);
      get().put(task);
      return task;
    },
    update: (id, patch) => act(id, () => invoke('task.update', { id, patch })),
    setStatus: (id, status) => act(id, () => invoke('task.update', { id, patch: { status } })),
    cancel: (id) => act(id, () => invoke('tasks.cancel', { id })),
    put(task) {
      const before = get().byId[task.id];
      const byId = upsertOne(get().byId, task);
      if (byId === get().byId) return;
      const { status } = get().query;
      const counted = status === 'active' || status === 'all';
      // Under a narrower filter the map lacks the open tasks: adjust the badge by this one change.
      const delta = Number(isOpenTask(task)) - Number(!!before && isOpenTask(before));
      set({ byId, ...followSelection(recompute(byId)), openCount: counted ? countOpen(byId) : Math.max(0, get().openCount + delta) });
    },
  };
});
