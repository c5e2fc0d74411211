/** My tasks: the agent's queue (urgent first, then by due date), filters, and the selected task. */
import { memo, useEffect } from 'react';
import { PRIORITY_ORDER } from '../../lib/task-order';
import { PRIORITY_LABEL } from '../../components/PriorityField';
import { ErrorNote } from '../../components/ErrorNote';
import { VirtualList } from '../../components/VirtualList';
import { useFocusOn, useNow } from '../../lib/hooks';
import { useTasks } from '../../stores/tasks';
import { useUi } from '../../stores/ui';
import { TaskActions } from './TaskActions';
import { TaskCallButton } from './TaskCallButton';
import { TaskDetail } from './TaskDetail';
import { TaskRowView } from './TaskRow';
import type { TaskQuery } from '../../lib/task-order';

/** two title lines and the due date (styles/views.css, .task-row .title) */
export const TASK_ROW_HEIGHT = 64;

const MyTaskRow = memo(function MyTaskRow({ id, now }: { id: string; now: number }) {
  const task = useTasks((s) => s.byId[id]);
  const selected = useTasks((s) => s.selectedId === id);
  const error = useTasks((s) => s.rowErrors[id]);
  const select = useTasks((s) => s.select);
  if (!task) return null;
  return (
    <TaskRowView
      task={task}
      now={now}
      selected={selected}
      onSelect={() => select(id)}
      actions={
        <>
          {error && (
            <span className="row-error" role="alert" title={error.message}>
              {error.message}
            </span>
          )}
          <TaskCallButton task={task} />
          <TaskActions task={task} />
        </>
      }
    />
  );
});

export function TaskFilters({ query, setQuery, label }: { query: TaskQuery; setQuery: (p: Partial<TaskQuery>) => void; label: string }) {
  const searchRef = useFocusOn<HTMLInputElement>(useUi((s) => s.searchFocus));
  return (
    <div className="toolbar" role="search" aria-label={label}>
      <label className="field inline">
        <span>Status</span>
        <select aria-label="Status filter" value={query.status} onChange={(e) => setQuery({ status: e.target.value as TaskQuery['status'] })}>
          <option value="active">Open and in progress</option>
          <option value="open">Open</option>
          <option value="in_progress">In progress</option>
          <option value="completed">Completed</option>
          <option value="cancelled">Cancelled</option>
          <option value="all">All</option>
        </select>
      </label>
      <label className="field inline">
        <span>Priority</span>
        <select aria-label="Priority filter" value={query.priority} onChange={(e) => setQuery({ priority: e.target.value as TaskQuery['priority'] })}>
          <option value="all">Any priority</option>
          {PRIORITY_ORDER.map((p) => (
            <option key={p} value={p}>
              {PRIORITY_LABEL[p]}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={query.overdueOnly} onChange={(e) => setQuery({ overdueOnly: e.target.checked })} />
        Overdue only
      </label>
      <input
        ref={searchRef}
        type="search"
        className="search"
        placeholder="Filter tasks  /"
        aria-label="Filter tasks"
        value={query.q}
        onChange={(e) => setQuery({ q: e.target.value })}
      />
    </div>
  );
}

export function TasksView() {
  const ids = useTasks((s) => s.ids);
  const query = useTasks((s) => s.query);
  const setQuery = useTasks((s) => s.setQuery);
  const loaded = useTasks((s) => s.loaded);
  const error = useTasks((s) => s.error);
  const selectedId = useTasks((s) => s.selectedId);
  const load = useTasks((s) => s.load);
  const openDialog = useUi((s) => s.openDialog);
  const now = useNow(30_000);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="view split wide-list" aria-labelledby="tasks-title">
      <div className="pane list-pane">
        <header className="view-header">
          <h1 id="tasks-title">My tasks</h1>
          <span className="muted" data-testid="task-count">
            {ids.length} shown
          </span>
          <span className="spacer" />
          <button type="button" className="primary-button" onClick={() => openDialog('newTask')}>
            New task
          </button>
        </header>
        <TaskFilters query={query} setQuery={setQuery} label="Task filters" />
        <ErrorNote error={error} />
        <VirtualList
          ids={ids}
          rowHeight={TASK_ROW_HEIGHT}
          label="My task queue"
          activeId={selectedId}
          renderRow={(id) => <MyTaskRow id={id} now={now} />}
          empty={<p className="empty">{loaded ? 'No tasks here. Nice work.' : 'Loading tasks…'}</p>}
        />
      </div>
      <div className="pane detail-pane">{selectedId ? <TaskDetail key={selectedId} id={selectedId} /> : <p className="empty">Select a task to see its details.</p>}</div>
    </section>
  );
}
