/**
 * The `c` shortcut: call whoever the current view is about, like the view's own Call button:
 * the selected call's number back, the selected task's patient, the open patient's main number.
 * A call the phone is handling is not called again.
 */
import { invoke } from './bridge';
import { callFromButton } from './phone-api';
import { liveLegFor } from './phone/live-call';
import { usePhone } from './phone/store';
import { useCalls } from './stores/calls';
import { usePatientLookup } from './stores/patient-lookup';
import { usePatients } from './stores/patients';
import { useTasks } from './stores/tasks';
import { useUi } from './stores/ui';

async function callTaskPatient(): Promise<void> {
  const { selectedId, byId } = useTasks.getState();
  const task = selectedId ? byId[selectedId] : undefined;
  if (!task?.patient_id) return;
  const patient = usePatientLookup.getState().byId[task.patient_id] ?? (await invoke('patients.get', { id: task.patient_id }).catch(() => null));
  if (patient?.phone_number) callFromButton(patient.phone_number, { patient_id: patient.id, task_id: task.id });
}

export function callCurrent(): void {
  switch (useUi.getState().view) {
    case 'calls': {
      const { selectedId, byId } = useCalls.getState();
      const call = selectedId ? byId[selectedId] : undefined;
      if (call && !liveLegFor(usePhone.getState().phone.calls, call)) callFromButton(call.phone_number, { patient_id: call.patient_id });
      return;
    }
    case 'tasks':
      void callTaskPatient();
      return;
    case 'patients': {
      const patient = usePatients.getState().card?.patient;
      if (patient) callFromButton(patient.phone_number, { patient_id: patient.id });
      return;
    }
    default:
      return;
  }
}
