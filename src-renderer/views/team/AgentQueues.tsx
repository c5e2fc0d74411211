/** The team's queues with counts; picking one filters the board to it. */
import { useReference } from '../../stores/reference';
import { type QueueCounts, UNASSIGNED, useTeam } from '../../stores/team';

function Counts({ c }: { c: QueueCounts | undefined }) {
  const open = (c?.open ?? 0) + (c?.in_progress ?? 0);
  return (
    <span className="queue-counts">
      <span>{open} open</span>
      {(c?.overdue ?? 0) > 0 && <span className="overdue-text" title="overdue">{c!.overdue} overdue</span>}
      {(c?.urgent ?? 0) > 0 && <span className="urgent-text" title="urgent">{c!.urgent} urgent</span>}
    </span>
  );
}

export function AgentQueues() {
  const users = useReference((s) => s.users);
  const counts = useTeam((s) => s.counts);
  const total = useTeam((s) => s.total);
  const assignee = useTeam((s) => s.assignee);
  const setAssignee = useTeam((s) => s.setAssignee);
  const people = users.filter((u) => u.active && (u.role === 'agent' || counts[u.id]));

  const item = (key: string, name: string, c: QueueCounts | undefined) => (
    <li key={key}>
      <button
        type="button"
        className={assignee === key ? 'queue selected' : 'queue'}
        aria-pressed={assignee === key}
        aria-label={`${name} queue, ${(c?.open ?? 0) + (c?.in_progress ?? 0)} open`}
        onClick={() => setAssignee(key)}
      >
        <span className="queue-name">{name}</span>
        <Counts c={c} />
      </button>
    </li>
  );

  return (
    <nav className="pane queues" aria-label="Agent queues">
      <h2 className="pane-title">Queues</h2>
      <ul className="plain-list">
        {item('all', 'All agents', total)}
        {item(UNASSIGNED, 'Unassigned', counts[UNASSIGNED])}
        {people.map((u) => item(u.id, u.name, counts[u.id]))}
      </ul>
    </nav>
  );
}
