import { useTasks } from '../../stores/tasks';
import type { TaskRead } from '../../../src-shared/schemas/tasks';

/** Start / complete / cancel / reopen, as the task status machine allows. */
export function TaskActions({ task }: { task: TaskRead }) {
  const setStatus = useTasks((s) => s.setStatus);
  const cancel = useTasks((s) => s.cancel);
  const t = task.title;
  return (
    <>
      {task.status === 'open' && (
        <button type="button" className="ghost-button small" aria-label={`Start ${t}`} onClick={() => void setStatus(task.id, 'in_progress')}>
          Start
        </button>
      )}
      {(task.status === 'open' || task.status === 'in_progress') && (
        <>
          <button type="button" className="primary-button small" aria-label={`Complete ${t}`} onClick={() => void setStatus(task.id, 'completed')}>
            Complete
          </button>
          <button type="button" className="ghost-button small" aria-label={`Cancel ${t}`} onClick={() => void cancel(task.id)}>
            Cancel
          </button>
        </>
      )}
      {task.status === 'completed' && (
        <button type="button" className="ghost-button small" aria-label={`Reopen ${t}`} onClick={() => void setStatus(task.id, 'open')}>
          Reopen
        </button>
      )}
    </>
  );
}
