/**
 * The task queue order, everywhere (the API's lists, the desktop's store, the renderer): most
 * urgent first, then the earliest due (undated last), then the oldest, then id, so two lists of
 * the same tasks are always in the same order.
 */
import type { Priority } from './enums';

export const PRIORITY_ORDER: readonly Priority[] = ['urgent', 'high', 'normal', 'low'];
export const PRIORITY_RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

/** The same order as SQL `ORDER BY` text; `c` maps a field to its column expression. */
export const taskOrderSql = (c: (field: string) => string = (f) => f) => {
  const rank = PRIORITY_ORDER.map((p, i) => `WHEN '${p}' THEN ${i}`).join(' ');
  return `CASE ${c('priority')} ${rank} ELSE ${PRIORITY_ORDER.length} END, CASE WHEN ${c('due_date')} IS NULL THEN 1 ELSE 0 END, ${c('due_date')}, ${c('created_at')}, ${c('id')}`;
};

interface Queued {
  id: string;
  priority: Priority;
  due_date: string | null;
  created_at: string;
}

export function compareTasks(a: Queued, b: Queued): number {
  const p = PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority];
  if (p !== 0) return p;
  if (a.due_date !== b.due_date) {
    if (a.due_date === null) return 1;
    if (b.due_date === null) return -1;
    return a.due_date < b.due_date ? -1 : 1;
  }
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
