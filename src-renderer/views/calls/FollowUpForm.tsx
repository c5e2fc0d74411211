/** "Callback requested": the agent picks when; the call gets its outcome and the agent a task. */
import { useState } from 'react';
import type { Priority } from '../../../src-shared/domain/enums';
import { PriorityField } from '../../components/PriorityField';
import type { CallRead } from '../../../src-shared/schemas/calls';
import { type InvokeError, asBridgeError } from '../../bridge';
import { ErrorNote } from '../../components/ErrorNote';
import { defaultCallbackDue, formatWhen, fromLocalInput } from '../../lib/time';
import { SaveForm } from '../../components/SaveForm';
import { currentUserId } from '../../stores/session';
import { useTasks } from '../../stores/tasks';
import { useUi } from '../../stores/ui';

interface Props {
  call: CallRead;
  /** sets the outcome (and completes the call when in wrap-up); throws on failure */
  setOutcome: () => Promise<void>;
  onDone: () => void;
  onCancel: () => void;
}

export function FollowUpForm({ call, setOutcome, onDone, onCancel }: Props) {
  const who = call.patient_name ?? call.phone_number;
  const [due, setDue] = useState(() => defaultCallbackDue());
  const [priority, setPriority] = useState<Priority>('normal');
  const [title, setTitle] = useState(`Call back ${who}`);
  const [error, setError] = useState<InvokeError | null>(null);
  const [busy, setBusy] = useState(false);
  const createTask = useTasks((s) => s.create);
  const toast = useUi((s) => s.toast);

  const submit = async () => {
    const dueIso = fromLocalInput(due);
    if (!dueIso) return setError(asBridgeError({ code: 'VALIDATION_FAILED', message: 'Pick when to call back.' }));
    setBusy(true);
    setError(null);
    try {
      await setOutcome();
      await createTask({
        title: title.trim() || `Call back ${who}`,
        description: `Callback requested on ${formatWhen(call.started_at)} (${call.phone_number}).`,
        assignee_id: currentUserId(),
        priority,
        due_date: dueIso,
        call_id: call.id,
        patient_id: call.patient_id,
      });
      toast(`Follow-up task created, due ${formatWhen(dueIso)}`);
      onDone();
    } catch (err) {
      setError(asBridgeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <SaveForm className="follow-up" aria-label="Schedule callback" onSave={submit}>
      <h3>Schedule the callback</h3>
      <div className="form-grid">
        <label className="field">
          <span>Call back by</span>
          <input type="datetime-local" value={due} required onChange={(e) => setDue(e.target.value)} data-autofocus />
        </label>
        <PriorityField value={priority} onChange={setPriority} />
        <label className="field span-2">
          <span>Task title</span>
          <input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
        </label>
      </div>
      <ErrorNote error={error} />
      <div className="button-row">
        <button type="submit" className="primary-button" disabled={busy}>
          Create follow-up
        </button>
        <button type="button" className="ghost-button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </SaveForm>
  );
}
