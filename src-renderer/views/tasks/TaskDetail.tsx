/** The selected task: what to do, for whom, by when; change its priority or due date; call the patient. */
import { useEffect, useState } from 'react';
import { PriorityField } from '../../components/PriorityField';
import type { PatientRead } from '../../../src-shared/schemas/patients';
import { invoke } from '../../bridge';
import { ErrorNote } from '../../components/ErrorNote';
import { useNow } from '../../lib/hooks';
import { isOverdue } from '../../lib/task-order';
import { formatWhen, fromLocalInput, toLocalInput } from '../../lib/time';
import { callFromButton } from '../../phone-api';
import { useCalls } from '../../stores/calls';
import { usePatients } from '../../stores/patients';
import { useTasks } from '../../stores/tasks';
import { useUi } from '../../stores/ui';
import { TaskActions } from './TaskActions';
import { STATUS_TEXT } from './TaskRow';

function usePatient(id: string | null): PatientRead | null {
  const [patient, setPatient] = useState<PatientRead | null>(null);
  useEffect(() => {
    let live = true;
    if (!id) return setPatient(null);
    invoke('patients.get', { id })
      .then((p) => live && setPatient(p))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [id]);
  return patient;
}

export function TaskDetail({ id }: { id: string }) {
  const task = useTasks((s) => s.byId[id]);
  const error = useTasks((s) => s.rowErrors[id] ?? null);
  const update = useTasks((s) => s.update);
  const navigate = useUi((s) => s.navigate);
  const selectCall = useCalls((s) => s.select);
  const selectPatient = usePatients((s) => s.select);
  const patient = usePatient(task?.patient_id ?? null);
  const now = useNow(30_000);
  if (!task) return <p className="empty">This task is no longer in your queue.</p>;

  const overdue = isOverdue(task, now);
  return (
    <article className="task-detail" aria-labelledby="task-title">
      <header className="detail-header">
        <div>
          <h2 id="task-title">{task.title}</h2>
          <p className="muted">
            Created {formatWhen(task.created_at)}
            {task.assignee_name && ` · assigned to ${task.assignee_name}`}
          </p>
        </div>
        <span className={`pill task-${task.status}`}>{STATUS_TEXT[task.status]}</span>
      </header>
      <div className="button-row">
        <TaskActions task={task} />
      </div>
      <ErrorNote error={error} />
      <div className="form-grid">
        <PriorityField value={task.priority} onChange={(priority) => void update(task.id, { priority })} />
        <label className={overdue ? 'field field-invalid' : 'field'}>
          <span>{overdue ? 'Due (overdue)' : 'Due'}</span>
          <input
            type="datetime-local"
            defaultValue={task.due_date ? toLocalInput(new Date(task.due_date)) : ''}
            onBlur={(e) => {
              const due = fromLocalInput(e.target.value);
              if (due !== task.due_date) void update(task.id, { due_date: due });
            }}
          />
        </label>
      </div>
      {task.description && <p className="description">{task.description}</p>}
      {patient && (
        <section className="linked" aria-label="Patient">
          <h3>
            <button
              type="button"
              className="link-button"
              onClick={() => {
                selectPatient(patient.id);
                navigate('patients');
              }}
            >
              {patient.full_name}
            </button>
          </h3>
          <div className="button-row">
            {[patient.phone_number, patient.alt_phone_number].filter((n): n is string => !!n).map((n) => (
              <button key={n} type="button" className="primary-button small" aria-label={`Call ${n}`} onClick={() => callFromButton(n, { patient_id: patient.id, task_id: task.id })}>
                Call {n}
              </button>
            ))}
          </div>
        </section>
      )}
      {task.call_id && (
        <button
          type="button"
          className="link-button"
          onClick={() => {
            selectCall(task.call_id);
            navigate('calls');
          }}
        >
          Open the call this task came from
        </button>
      )}
    </article>
  );
}
