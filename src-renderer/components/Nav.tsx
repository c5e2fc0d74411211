import { useIsSupervisor } from '../stores/session';
import { useTasks } from '../stores/tasks';
import { type View, useUi } from '../stores/ui';

const ITEMS: { view: View; label: string; keys: string }[] = [
  { view: 'calls', label: 'Calls', keys: 'g c' },
  { view: 'patients', label: 'Patients', keys: 'g p' },
  { view: 'tasks', label: 'My tasks', keys: 'g t' },
  { view: 'shifts', label: 'Shifts', keys: 'g s' },
  { view: 'team', label: 'Team board', keys: 'g b' },
  { view: 'wallboard', label: 'Wallboard', keys: 'g w' },
  { view: 'rota', label: 'Rota', keys: 'g r' },
];
const SUPERVISOR_VIEWS: readonly View[] = ['team', 'wallboard', 'rota'];

export function Nav() {
  const view = useUi((s) => s.view);
  const navigate = useUi((s) => s.navigate);
  const supervisor = useIsSupervisor();
  const openTasks = useTasks((s) => s.openCount);
  const openDialog = useUi((s) => s.openDialog);

  return (
    <nav className="nav" aria-label="Main">
      <button type="button" className="primary-button nav-action" onClick={() => openDialog('logCall')} title="Log a call (n)">
        Log call
      </button>
      <ul>
        {ITEMS.filter((i) => !SUPERVISOR_VIEWS.includes(i.view) || supervisor).map((item) => (
          <li key={item.view}>
            <a
              href={`#/${item.view}`}
              aria-current={view === item.view ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate(item.view);
              }}
            >
              <span>{item.label}</span>
              {item.view === 'tasks' && openTasks > 0 && <span className="badge" aria-label={`${openTasks} open`}>{openTasks}</span>}
              <kbd aria-hidden="true">{item.keys}</kbd>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
