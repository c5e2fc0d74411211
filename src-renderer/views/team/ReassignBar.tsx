/** Bulk actions on the selected tasks: reassign them all to one agent. */
import { useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { useReference } from '../../stores/reference';
import { useSelectedCount, useTeam } from '../../stores/team';

export function ReassignBar() {
  const count = useSelectedCount();
  const visible = useTeam((s) => s.ids.length);
  const selectAll = useTeam((s) => s.selectAllVisible);
  const reassign = useTeam((s) => s.reassign);
  const busy = useTeam((s) => s.reassigning);
  const error = useTeam((s) => s.reassignError);
  const users = useReference((s) => s.users);
  const [target, setTarget] = useState('');

  const submit = async () => {
    const ids = Object.keys(useTeam.getState().selected);
    // The contract takes at most 1000 ids per call; bigger selections go in slices.
    for (let i = 0; i < ids.length; i += 1000) {
      if (!(await reassign(ids.slice(i, i + 1000), target))) return;
    }
    setTarget('');
  };

  return (
    <div className="bulk-bar" role="region" aria-label="Selection">
      <label className="check">
        <input type="checkbox" checked={count > 0 && count === visible} onChange={(e) => selectAll(e.target.checked)} aria-label="Select all shown tasks" />
        {count > 0 ? `${count} selected` : 'Select all'}
      </label>
      {count > 0 && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (target) void submit();
          }}
        >
          <label className="field inline">
            <span>Reassign to</span>
            <select value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value="">Choose an agent…</option>
              {users
                .filter((u) => u.active)
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
            </select>
          </label>
          <button type="submit" className="primary-button" disabled={!target || busy}>
            Reassign {count}
          </button>
        </form>
      )}
      <ErrorNote error={error} />
    </div>
  );
}
