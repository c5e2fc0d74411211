/** New task (t): for me by default; supervisors can assign it to anyone in the team. */
import { useState } from 'react';
import type { Priority } from '../../../src-shared/domain/enums';
import { PriorityField } from '../../components/PriorityField';
import { type InvokeError, asBridgeError, fieldErrors } from '../../bridge';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/ErrorNote';
import { fromLocalInput } from '../../lib/time';
import { SaveForm } from '../../components/SaveForm';
import { useReference } from '../../stores/reference';
import { useIsSupervisor, useMe } from '../../stores/session';
import { useTasks } from '../../stores/tasks';
import { useUi } from '../../stores/ui';

export function NewTaskDialog() {
  const close = useUi((s) => s.closeDialog);
  const context = useUi((s) => s.newTaskFor);
  const create = useTasks((s) => s.create);
  const me = useMe();
  const supervisor = useIsSupervisor();
  const users = useReference((s) => s.users);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [priority, setPriority] = useState<Priority>('normal');
  const [due, setDue] = useState('');
  const [assignee, setAssignee] = useState(me?.id ?? '');
  const [error, setError] = useState<InvokeError | null>(null);
  const [busy, setBusy] = useState(false);
  const fields = fieldErrors(error);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await create({
        title,
        ...(description ? { description } : {}),
        priority,
        due_date: fromLocalInput(due),
        assignee_id: assignee || null,
        patient_id: context?.patient_id ?? null,
        call_id: context?.call_id ?? null,
      });
      close();
    } catch (err) {
      setError(asBridgeError(err));
      setBusy(false);
    }
  };

  return (
    <Dialog title="New task" onClose={close}>
      <SaveForm onSave={submit}>
        <label className="field">
          <span>Title</span>
          <input value={title} maxLength={200} required data-autofocus aria-invalid={fields.title ? true : undefined} onChange={(e) => setTitle(e.target.value)} />
          {fields.title && <small className="field-error">{fields.title}</small>}
        </label>
        <label className="field">
          <span>Description</span>
          <textarea rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <div className="form-grid">
          <PriorityField value={priority} onChange={setPriority} />
          <label className="field">
            <span>Due</span>
            <input type="datetime-local" value={due} onChange={(e) => setDue(e.target.value)} />
          </label>
          {supervisor && (
            <label className="field span-2">
              <span>Assign to</span>
              <select value={assignee} onChange={(e) => setAssignee(e.target.value)}>
                <option value="">Unassigned</option>
                {users
                  .filter((u) => u.active)
                  .map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.name}
                      {u.id === me?.id ? ' (me)' : ''}
                    </option>
                  ))}
              </select>
            </label>
          )}
        </div>
        <ErrorNote error={error} />
        <div className="button-row">
          <button type="submit" className="primary-button" disabled={busy || !title.trim()}>
            Create task
          </button>
          <button type="button" className="ghost-button" onClick={close}>
            Cancel
          </button>
        </div>
      </SaveForm>
    </Dialog>
  );
}
