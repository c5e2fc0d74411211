/** Calls: the log for a date range (today by default) with filters, and the selected call's detail. */
import { useEffect } from 'react';
import { CALL_STATUSES } from '../../../src-shared/domain/call-status';
import { ErrorNote } from '../../components/ErrorNote';
import { useFocusOn } from '../../lib/hooks';
import { localDate } from '../../lib/time';
import { todayQuery, useCalls } from '../../stores/calls';
import { useReference } from '../../stores/reference';
import { useUi } from '../../stores/ui';
import { CallDetail } from './CallDetail';
import { CallList } from './CallList';
import { statusLabel } from './labels';

function CallFilters() {
  const query = useCalls((s) => s.query);
  const setQuery = useCalls((s) => s.setQuery);
  const dispositions = useReference((s) => s.dispositions);
  const searchRef = useFocusOn<HTMLInputElement>(useUi((s) => s.searchFocus));
  const isToday = query.from === localDate() && query.to === localDate();

  return (
    <div className="toolbar" role="search" aria-label="Call filters">
      <label className="field inline">
        <span>From</span>
        <input type="date" value={query.from} max={query.to} onChange={(e) => e.target.value && setQuery({ from: e.target.value })} />
      </label>
      <label className="field inline">
        <span>To</span>
        <input type="date" value={query.to} min={query.from} onChange={(e) => e.target.value && setQuery({ to: e.target.value })} />
      </label>
      <button type="button" className="ghost-button" disabled={isToday} onClick={() => setQuery({ ...todayQuery(), q: query.q })}>
        Today
      </button>
      <label className="field inline">
        <span>Status</span>
        <select aria-label="Status filter" value={query.status} onChange={(e) => setQuery({ status: e.target.value as typeof query.status })}>
          <option value="all">Any status</option>
          {CALL_STATUSES.map((s) => (
            <option key={s} value={s}>
              {statusLabel(s)}
            </option>
          ))}
        </select>
      </label>
      <label className="field inline">
        <span>Outcome</span>
        <select aria-label="Outcome filter" value={query.outcome} onChange={(e) => setQuery({ outcome: e.target.value })}>
          <option value="all">Any outcome</option>
          {dispositions.map((d) => (
            <option key={d.code} value={d.code}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field inline">
        <span>Direction</span>
        <select aria-label="Direction filter" value={query.direction} onChange={(e) => setQuery({ direction: e.target.value as typeof query.direction })}>
          <option value="all">Both</option>
          <option value="inbound">Inbound</option>
          <option value="outbound">Outbound</option>
        </select>
      </label>
      <input
        ref={searchRef}
        type="search"
        className="search"
        placeholder="Filter by name, number or notes  /"
        aria-label="Filter calls"
        value={query.q}
        onChange={(e) => setQuery({ q: e.target.value })}
      />
    </div>
  );
}

export function CallsView() {
  const selectedId = useCalls((s) => s.selectedId);
  const error = useCalls((s) => s.error);
  const count = useCalls((s) => s.ids.length);
  const load = useCalls((s) => s.load);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="view split" aria-labelledby="calls-title">
      <div className="pane list-pane">
        <header className="view-header">
          <h1 id="calls-title">Calls</h1>
          <span className="muted">{count} shown</span>
        </header>
        <CallFilters />
        <ErrorNote error={error} />
        <CallList />
      </div>
      <div className="pane detail-pane">{selectedId ? <CallDetail key={selectedId} id={selectedId} /> : <p className="empty">Select a call to see its notes and outcome.</p>}</div>
    </section>
  );
}
