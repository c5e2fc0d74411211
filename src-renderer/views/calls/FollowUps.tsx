import { useShallow } from 'zustand/react/shallow';
import { formatWhen } from '../../lib/time';
import { useTasks } from '../../stores/tasks';
import { useUi } from '../../stores/ui';

/** Tasks that came out of this call (in the agent's own queue). */
export function FollowUps({ callId }: { callId: string }) {
  const tasks = useTasks(useShallow((s) => Object.values(s.byId).filter((t) => t.call_id === callId)));
  const navigate = useUi((s) => s.navigate);
  const selectTask = useTasks((s) => s.select);
  if (tasks.length === 0) return null;
  return (
    <section className="follow-ups" aria-label="Follow-up tasks">
      <h3>Follow-up tasks</h3>
      <ul>
        {tasks.map((t) => (
          <li key={t.id}>
            <button
              type="button"
              className="link-button"
              onClick={() => {
                selectTask(t.id);
                navigate('tasks');
              }}
            >
              {t.title}
            </button>
            <span className="muted">
              {' '}
              · due {formatWhen(t.due_date)} · {t.status.replace('_', ' ')}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
