/**
 * Wallboard (supervisors, admins): every agent's state and time in it, current call, calls today,
 * average handle time and open/overdue tasks, team totals on top; sort, filter, and reassign an
 * agent's open tasks from their row. Live through the core's data.changed events (pokes).
 */
import { memo, useEffect, useMemo } from 'react';
import { AGENT_STATES, AGENT_STATE_LABEL, type AgentStateName } from '../../src-shared/domain/agent-state';
import { SHIFT_MARK_LABEL, isOnShift } from '../../src-shared/domain/shifts';
import { useShiftsLive } from '../schedules/ShiftsView';
import { useShifts } from '../schedules/store';
import { VirtualList } from '../components/VirtualList';
import { lastSyncText } from '../components/StatusBar';
import { on } from '../bridge';
import { useNow } from '../lib/hooks';
import { formatDuration } from '../lib/time';
import { useReference } from '../stores/reference';
import { useSync } from '../stores/sync';
import { useTeam } from '../stores/team';
import { stateText } from './AgentStateControl';
import { useAgentState } from './store';
import { type AgentRow, type SortKey, buildRows, sortRows, totalsOf, useWallboard } from './wallboard';

const ROW_HEIGHT = 52;
const secondsSince = (iso: string | null, now: number) => (iso ? Math.max(0, Math.floor((now - Date.parse(iso)) / 1000)) : null);

const Row = memo(function Row({ row, now }: { row: AgentRow; now: number }) {
  const users = useReference((s) => s.users);
  const reassign = useTeam((s) => s.reassign);
  const tasks = useWallboard((s) => s.tasks);
  const inState = secondsSince(row.since, now);
  const call = row.call;
  return (
    <div className={`row wallboard-row state-${row.state}`} data-agent-id={row.id} aria-label={`${row.name}: ${stateText(row.state, row.reason)}`}>
      <span className="cell wb-name primary-text" title={row.name}>
        {row.name}
      </span>
      <span className="cell wb-state">
        <span className="dot" aria-hidden="true" /> {stateText(row.state, row.reason)}
        <span className="muted"> · {inState === null ? '—' : formatDuration(inState)}</span>
      </span>
      <span className={`cell wb-shift shift-${row.shift ?? 'none'}`} data-testid="shift-mark">
        {row.shift ? SHIFT_MARK_LABEL[row.shift] : ''}
      </span>
      <span className="cell wb-call">
        {call ? `${call.direction === 'inbound' ? '↙' : '↗'} ${call.patient_name ?? call.phone_number} · ${formatDuration(secondsSince(call.started_at, now))}` : ''}
      </span>
      <span className="cell wb-num" title="Calls handled today">
        {row.callsToday}
      </span>
      <span className="cell wb-num" title="Average handle time (talk + after-call work)">
        {row.aht === null ? '—' : formatDuration(row.aht)}
      </span>
      <span className={row.overdue ? 'cell wb-tasks overdue-text' : 'cell wb-tasks'}>
        {row.open} open{row.overdue ? ` · ${row.overdue} overdue` : ''}
      </span>
      <span className="cell actions">
        {row.open > 0 && (
          <select
            className="small"
            aria-label={`Reassign ${row.name}'s open tasks`}
            value=""
            onChange={(e) => {
              const ids = tasks.filter((t) => t.assignee_id === row.id).map((t) => t.id);
              if (e.target.value && ids.length) void reassign(ids.slice(0, 1000), e.target.value).then(() => useWallboard.getState().load());
            }}
          >
            <option value="">Reassign tasks…</option>
            {users
              .filter((u) => u.active && u.id !== row.id)
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
          </select>
        )}
      </span>
    </div>
  );
});

export function WallboardView() {
  const users = useReference((s) => s.users);
  const loadUsers = useReference((s) => s.loadUsers);
  const states = useAgentState((s) => s.byUser);
  const { calls, tasks, sort, filter, setSort, setFilter, load } = useWallboard();
  const status = useSync((s) => s.status);
  const now = useNow(1000);
  useShiftsLive();
  const shifts = useShifts((s) => s.near);

  useEffect(() => {
    void load();
    void loadUsers();
    void useAgentState.getState().load();
    return on('data.changed', (p) => {
      if (p.entities.includes('call') || p.entities.includes('task')) void load();
    });
  }, [load, loadUsers]);

  // Minute-level changes (overdue) are enough for the row data; the clocks tick in the cells.
  const minute = Math.floor(now / 60_000);
  const onShift = useMemo(() => new Set(shifts.filter((s) => isOnShift(s, minute * 60_000)).map((s) => s.staffId)), [shifts, minute]);
  const rows = useMemo(() => buildRows(users, states, calls, tasks, minute * 60_000, onShift), [users, states, calls, tasks, minute, onShift]);
  const shown = useMemo(() => sortRows(rows, sort, filter), [rows, sort, filter]);
  const byId = useMemo(() => Object.fromEntries(shown.map((r) => [r.id, r])), [shown]);
  const ids = useMemo(() => shown.map((r) => r.id), [shown]);
  const totals = totalsOf(rows);
  const offline = status ? !status.online : false;

  return (
    <section className="view wallboard" aria-labelledby="wallboard-title">
      <header className="view-header">
        <h1 id="wallboard-title">Wallboard</h1>
        <span className={offline ? 'muted freshness overdue-text' : 'muted freshness'} data-testid="wallboard-freshness">
          {offline ? `Offline · as of ${lastSyncText(status?.last_pull_at ?? null, now)}` : 'Live'}
        </span>
      </header>
      <dl className="wb-totals" aria-label="Team totals">
        <div>
          <dt>Calls today</dt>
          <dd data-testid="total-calls">{totals.callsToday}</dd>
        </div>
        <div>
          <dt>Missed</dt>
          <dd>{totals.missed}</dd>
        </div>
        <div>
          <dt>Avg handle time</dt>
          <dd>{totals.aht === null ? '—' : formatDuration(totals.aht)}</dd>
        </div>
        <div>
          <dt>On shift, signed out</dt>
          <dd data-testid="total-missing">{totals.missing}</dd>
        </div>
        {AGENT_STATES.map((s) => (
          <div key={s}>
            <dt>{AGENT_STATE_LABEL[s]}</dt>
            <dd data-testid={`total-${s}`}>{totals.byState[s]}</dd>
          </div>
        ))}
      </dl>
      <div className="toolbar" role="search" aria-label="Wallboard filters">
        <label className="field inline">
          <span>State</span>
          <select aria-label="State filter" value={filter} onChange={(e) => setFilter(e.target.value as AgentStateName | 'all')}>
            <option value="all">Every state</option>
            {AGENT_STATES.map((s) => (
              <option key={s} value={s}>
                {AGENT_STATE_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>Sort by</span>
          <select aria-label="Sort agents" value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
            <option value="state">State</option>
            <option value="name">Name</option>
            <option value="time">Longest in state</option>
            <option value="calls">Calls today</option>
            <option value="open">Open tasks</option>
          </select>
        </label>
      </div>
      <VirtualList
        ids={ids}
        rowHeight={ROW_HEIGHT}
        label="Agents"
        renderRow={(id) => (byId[id] ? <Row row={byId[id]} now={now} /> : null)}
        empty={<p className="empty">No agents in this state.</p>}
      />
    </section>
  );
}
