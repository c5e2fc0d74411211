/** One task in a queue. Subscribes to its own record only, so a change re-renders one row. */
import { memo } from 'react';
import type { TaskRead } from '../../../src-shared/schemas/tasks';
import { isOverdue } from '../../lib/task-order';
import { formatWhen } from '../../lib/time';

export const STATUS_TEXT: Record<TaskRead['status'], string> = {
  open: 'Open',
  in_progress: 'In progress',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

interface Props {
  task: TaskRead;
  now: number;
  selected: boolean;
  onSelect: () => void;
  /** extra cells before the actions (the team board's checkbox and assignee) */
  lead?: React.ReactNode;
  trail?: React.ReactNode;
  actions?: React.ReactNode;
}

export const TaskRowView = memo(function TaskRowView({ task, now, selected, onSelect, lead, trail, actions }: Props) {
  const overdue = isOverdue(task, now);
  return (
    <div className={`row task-row${selected ? ' selected' : ''}${overdue ? ' overdue' : ''}`} data-task-id={task.id}>
      {lead}
      <span className={`pill priority-${task.priority}`}>{task.priority}</span>
      <button type="button" className="cell title link-button" aria-current={selected || undefined} onClick={onSelect}>
        {task.title}
      </button>
      {trail}
      <span className={overdue ? 'cell due overdue-text' : 'cell due'}>
        {task.due_date ? (overdue ? `Overdue · ${formatWhen(task.due_date, now)}` : `Due ${formatWhen(task.due_date, now)}`) : 'No due date'}
      </span>
      <span className={`cell pill task-${task.status}`}>{STATUS_TEXT[task.status]}</span>
      <span className="cell actions">{actions}</span>
    </div>
  );
});
