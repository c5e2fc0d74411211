/** Desktop notifications (Notification API; Electron shows them natively) plus an in-app notice. */
import type { TaskRead } from '../src-shared/schemas/tasks';
import { useUi } from './stores/ui';

/** Asked during sign-in, a user gesture, so the browser may show its prompt. */
export function askNotificationPermission(): void {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
    void Notification.requestPermission().catch(() => undefined);
  }
}

export function notifyAssigned(tasks: TaskRead[]): void {
  if (tasks.length === 0) return;
  const title = tasks.length === 1 ? 'New task assigned to you' : `${tasks.length} new tasks assigned to you`;
  const body = tasks
    .slice(0, 3)
    .map((t) => `${t.priority === 'urgent' ? 'URGENT: ' : ''}${t.title}`)
    .join('\n');
  useUi.getState().toast(`${title}: ${tasks.map((t) => t.title).slice(0, 2).join(', ')}${tasks.length > 2 ? '…' : ''}`);
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    const n = new Notification(title, { body, tag: 'tasks-assigned' });
    n.onclick = () => {
      window.focus();
      useUi.getState().navigate('tasks');
    };
  } catch {
    // Some embeddings forbid the constructor; the in-app notice already showed.
  }
}
