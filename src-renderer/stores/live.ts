/**
 * Keeps every store current while signed in: the core's events are the only trigger.
 * `data.changed` re-queries the local store (never the network), so views refresh in
 * milliseconds after a pull or a local write; `tasks.assigned` raises a desktop notification.
 */
import type { IpcPayload } from '../../src-shared/ipc/contract';
import { on } from '../bridge';
import { notifyAssigned } from '../notifications';
import { useCalls } from './calls';
import { usePatientLookup } from './patient-lookup';
import { usePatients } from './patients';
import { useReference } from './reference';
import { useSession } from './session';
import { useSync } from './sync';
import { useTasks } from './tasks';
import { useTeam } from './team';

export function refreshFor(entities: IpcPayload<'data.changed'>['entities']): void {
  const set = new Set(entities);
  const supervisor = useSession.getState().session?.user.role !== 'agent';
  if (set.has('call')) {
    void useCalls.getState().load();
  }
  if (set.has('task')) {
    void useTasks.getState().load();
    if (supervisor && useTeam.getState().loaded) void useTeam.getState().load();
  }
  if (set.has('patient') && usePatients.getState().searched) void usePatients.getState().search();
  if (set.has('patient')) void usePatientLookup.getState().refresh();
  if ((set.has('call') || set.has('task') || set.has('patient')) && usePatients.getState().selectedId) {
    void usePatients.getState().loadCard();
  }
  if (set.has('user')) void useReference.getState().loadUsers();
}

/** Loads what every view needs and subscribes to the core's events; returns the unsubscribe. */
export function startLive(): () => void {
  const offs = [
    on('data.changed', (p) => refreshFor(p.entities)),
    on('sync.status', (s) => useSync.getState().setStatus(s)),
    on('tasks.assigned', (p) => notifyAssigned(p.tasks)),
  ];
  void useSync.getState().refresh();
  void useReference.getState().loadDispositions();
  void useReference.getState().loadUsers();
  void useCalls.getState().load();
  void useTasks.getState().load();
  return () => offs.forEach((off) => off());
}
