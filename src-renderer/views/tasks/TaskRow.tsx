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
      {/* Title above, due date below: the title gets the row's width (tasks for one patient differ late in the title). */}
      <span className="cell title-block">
        <button type="button" className="title link-button" title={task.title} aria-current={selected || undefined} onClick={onSelect}>
          {task.title}
        </button>
        <span className={overdue ? 'due overdue-text' : 'due'}>
          {task.due_date ? (overdue ? `Overdue · ${formatWhen(task.due_date, now)}` : `Due ${formatWhen(task.due_date, now)}`) : 'No due date'}
        </span>
      </span>
      {trail}
      <span className={`cell pill task-${task.status}`}>{STATUS_TEXT[task.status]}</span>
      <span className="cell actions">{actions}</span>
    </div>
  );
});
