/**
 * "Call" on a task row: the task's patient on their main number, linked to the task. The patient
 * is looked up in the local store ('patients.get'); no patient, or none found, means no button.
 */
import { useEffect } from 'react';
import type { TaskRead } from '../../../src-shared/schemas/tasks';
import { callFromButton } from '../../phone-api';
import { usePatientLookup } from '../../stores/patient-lookup';

/** A screen reader hears each name once: titles often already say who ("Call back Peter Okafor"). */
export function callLabel(name: string, title: string): string {
  return title.toLowerCase().includes(name.toLowerCase()) ? `Call for task: ${title}` : `Call ${name} about ${title}`;
}

export function TaskCallButton({ task }: { task: TaskRead }) {
  const patientId = task.patient_id;
  const patient = usePatientLookup((s) => (patientId ? s.byId[patientId] : null));
  const ensure = usePatientLookup((s) => s.ensure);
  useEffect(() => {
    if (patientId && patient === undefined) ensure(patientId);
  }, [patientId, patient, ensure]);
  if (!patient?.phone_number) return null;
  return (
    <button
      type="button"
      className="ghost-button small"
      aria-label={callLabel(patient.full_name, task.title)}
      title={`Call ${patient.phone_number}`}
      onClick={() => callFromButton(patient.phone_number, { patient_id: patient.id, task_id: task.id })}
    >
      Call
    </button>
  );
}
