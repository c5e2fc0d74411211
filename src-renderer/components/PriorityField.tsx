/** The priority picker of every task form, most urgent first. */
import { PRIORITIES, type Priority } from '../../src-shared/domain/enums';

const MOST_URGENT_FIRST = [...PRIORITIES].reverse();

/** The same capitalised words as the priority chips. */
export const PRIORITY_LABEL: Record<Priority, string> = { urgent: 'Urgent', high: 'High', normal: 'Normal', low: 'Low' };

export function PriorityField({ value, onChange }: { value: Priority; onChange: (priority: Priority) => void }) {
  return (
    <label className="field">
      <span>Priority</span>
      <select value={value} onChange={(e) => onChange(e.target.value as Priority)}>
        {MOST_URGENT_FIRST.map((p) => (
          <option key={p} value={p}>
            {PRIORITY_LABEL[p]}
          </option>
        ))}
      </select>
    </label>
  );
}
