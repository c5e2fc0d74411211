/**
 * Team board (supervisors): every agent's queue with counts, filters, and reassignment of one
 * task or a selection. It re-queries on `data.changed`, so other supervisors' and agents'
 * changes show up live.
 */
import { memo, useEffect, useMemo } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { VirtualList } from '../../components/VirtualList';
import { useNow } from '../../lib/hooks';
import { useReference } from '../../stores/reference';
import { UNASSIGNED, useTeam } from '../../stores/team';
import { TASK_ROW_HEIGHT, TaskFilters } from '../tasks/TasksView';
import { TaskRowView } from '../tasks/TaskRow';
import { AgentQueues } from './AgentQueues';
import { ReassignBar } from './ReassignBar';

// The team board's rows are task rows: the same two-line titles.
const ROW_HEIGHT = TASK_ROW_HEIGHT;

const TeamTaskRow = memo(function TeamTaskRow({ id, now }: { id: string; now: number }) {
  const task = useTeam((s) => s.byId[id]);
  const checked = useTeam((s) => s.selected[id] === true);
  const cursor = useTeam((s) => s.cursorId === id);
  const toggle = useTeam((s) => s.toggle);
  const reassign = useTeam((s) => s.reassign);
  const agents = useReference((s) => s.users);
  if (!task) return null;
  return (
    <TaskRowView
      task={task}
      now={now}
      selected={cursor}
      onSelect={() => toggle(id)}
      lead={
        <input type="checkbox" className="row-check" aria-label={`Select ${task.title}`} checked={checked} onChange={() => toggle(id)} />
      }
      trail={<span className="cell assignee">{task.assignee_name ?? 'Unassigned'}</span>}
      actions={
        <select
          className="small"
          aria-label={`Reassign ${task.title}`}
          value=""
          onChange={(e) => e.target.value && void reassign([id], e.target.value)}
        >
          <option value="">Reassign…</option>
          {agents
            .filter((u) => u.active && u.id !== task.assignee_id)
            .map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
        </select>
      }
    />
  );
});

export function TeamView() {
  const ids = useTeam((s) => s.ids);
  const query = useTeam((s) => s.query);
  const setQuery = useTeam((s) => s.setQuery);
  const loaded = useTeam((s) => s.loaded);
  const error = useTeam((s) => s.error);
  const cursorId = useTeam((s) => s.cursorId);
  const load = useTeam((s) => s.load);
  const assignee = useTeam((s) => s.assignee);
  const usersById = useReference((s) => s.usersById);
  const loadUsers = useReference((s) => s.loadUsers);
  const now = useNow(30_000);
  useEffect(() => {
    void load();
    void loadUsers();
  }, [load, loadUsers]);

  const heading = useMemo(
    () => (assignee === 'all' ? 'All queues' : assignee === UNASSIGNED ? 'Unassigned' : `${usersById[assignee]?.name ?? 'Agent'}'s queue`),
    [assignee, usersById],
  );

  return (
    <section className="view split team" aria-labelledby="team-title">
      <AgentQueues />
      <div className="pane list-pane">
        <header className="view-header">
          <h1 id="team-title">Team board</h1>
          <span className="muted">
            {heading} · {ids.length} shown
          </span>
        </header>
        <TaskFilters query={query} setQuery={setQuery} label="Team task filters" />
        <ReassignBar />
        <ErrorNote error={error} />
        <VirtualList
          ids={ids}
          rowHeight={ROW_HEIGHT}
          label="Team tasks"
          activeId={cursorId}
          renderRow={(id) => <TeamTaskRow id={id} now={now} />}
          empty={<p className="empty">{loaded ? 'No tasks match.' : 'Loading the team board…'}</p>}
        />
      </div>
    </section>
  );
}
