/** The agent's queue order: priority (urgent first), then the earliest due date, then age. */
import type { Priority } from '../../src-shared/domain/enums';
import { compareTasks } from '../../src-shared/domain/task-order';
import type { TaskRead } from '../../src-shared/schemas/tasks';

// One queue order for the API, the desktop's store and the views.
export { compareTasks, PRIORITY_ORDER, PRIORITY_RANK } from '../../src-shared/domain/task-order';

export function isOpenTask(t: Pick<TaskRead, 'status'>): boolean {
  return t.status === 'open' || t.status === 'in_progress';
}

export function isOverdue(t: Pick<TaskRead, 'status' | 'due_date'>, now: number): boolean {
  return isOpenTask(t) && t.due_date !== null && new Date(t.due_date).getTime() < now;
}

export interface TaskQuery {
  status: 'active' | 'all' | TaskRead['status'];
  priority: Priority | 'all';
  overdueOnly: boolean;
  q: string;
}

export const DEFAULT_TASK_QUERY: TaskQuery = { status: 'active', priority: 'all', overdueOnly: false, q: '' };

export function matchesTask(t: TaskRead, f: TaskQuery, now: number): boolean {
  if (f.status === 'active' ? !isOpenTask(t) : f.status !== 'all' && t.status !== f.status) return false;
  if (f.priority !== 'all' && t.priority !== f.priority) return false;
  if (f.overdueOnly && !isOverdue(t, now)) return false;
  if (f.q) {
    const q = f.q.toLowerCase();
    if (!t.title.toLowerCase().includes(q) && !t.description.toLowerCase().includes(q)) return false;
  }
  return true;
}

/** Sorted, filtered ids of a task map. */
export function visibleTaskIds(byId: Record<string, TaskRead>, f: TaskQuery, now: number, extra?: (t: TaskRead) => boolean): string[] {
  const list: TaskRead[] = [];
  for (const id in byId) {
    const t = byId[id]!;
    if (matchesTask(t, f, now) && (!extra || extra(t))) list.push(t);
  }
  list.sort(compareTasks);
  return list.map((t) => t.id);
}

/** What to ask the core for: the status filter goes to the query, the rest is applied locally. */
export function statusArgs(f: TaskQuery): { status?: TaskRead['status'][] } {
  if (f.status === 'active') return { status: ['open', 'in_progress'] };
  if (f.status === 'all') return {};
  return { status: [f.status] };
}
