/** Patient search results and the patient card (the patient, their recent calls and open tasks). */
import { create } from 'zustand';
import type { CallRead } from '../../src-shared/schemas/calls';
import type { PatientRead } from '../../src-shared/schemas/patients';
import type { TaskRead } from '../../src-shared/schemas/tasks';
import { type InvokeError, asBridgeError, invoke } from '../bridge';
import { coalesce, mergeById, sameIdsOr } from '../lib/records';
import { compareTasks } from '../lib/task-order';
import { useSession } from './session';

export interface PatientCard {
  patient: PatientRead;
  calls: CallRead[];
  tasks: TaskRead[];
}

interface PatientsState {
  q: string;
  ids: string[];
  byId: Record<string, PatientRead>;
  searched: boolean;
  error: InvokeError | null;
  selectedId: string | null;
  card: PatientCard | null;
  cardError: InvokeError | null;
  setQuery(q: string): void;
  search(): Promise<void>;
  select(id: string | null): void;
  selectRelative(delta: number): void;
  loadCard(): Promise<void>;
}

const CARD_HISTORY_FROM = '2000-01-01T00:00:00.000Z';

export const usePatients = create<PatientsState>()((set, get) => {
  const search = coalesce(async () => {
    try {
      const list = await invoke('patients.search', { q: get().q.trim(), limit: 100 });
      const byId = mergeById(get().byId, list);
      set({ byId, ids: sameIdsOr(get().ids, list.map((p) => p.id)), searched: true, error: null });
    } catch (err) {
      set({ error: asBridgeError(err), searched: true });
    }
  });

  const loadCard = coalesce(async () => {
    const id = get().selectedId;
    if (!id) return set({ card: null, cardError: null });
    const role = useSession.getState().session?.user.role;
    const openTasks = { patient_id: id, status: ['open', 'in_progress'] as TaskRead['status'][], limit: 200 };
    try {
      const [patient, calls, tasks] = await Promise.all([
        invoke('patients.get', { id }),
        invoke('calls.list', { patient_id: id, from: CARD_HISTORY_FROM, to: new Date(Date.now() + 86_400_000).toISOString(), limit: 20 }),
        // Agents see their own queue; supervisors see who holds each of the patient's tasks.
        role === 'agent' ? invoke('tasks.mine', openTasks) : invoke('tasks.team', openTasks),
      ]);
      if (get().selectedId !== id) return;
      if (!patient) return set({ card: null, cardError: asBridgeError({ code: 'NOT_FOUND', message: 'This patient no longer exists.' }) });
      calls.sort((a, b) => (a.started_at < b.started_at ? 1 : -1));
      tasks.sort(compareTasks);
      set({ card: { patient, calls: calls.slice(0, 20), tasks }, cardError: null });
    } catch (err) {
      if (get().selectedId === id) set({ cardError: asBridgeError(err) });
    }
  });

  return {
    q: '',
    ids: [],
    byId: {},
    searched: false,
    error: null,
    selectedId: null,
    card: null,
    cardError: null,
    setQuery(q) {
      set({ q });
    },
    search,
    select(id) {
      if (id === get().selectedId) return;
      set({ selectedId: id, card: get().card?.patient.id === id ? get().card : null, cardError: null });
      void loadCard();
    },
    selectRelative(delta) {
      const { ids, selectedId } = get();
      if (ids.length === 0) return;
      const at = selectedId ? ids.indexOf(selectedId) : -1;
      const next = at < 0 ? (delta > 0 ? 0 : ids.length - 1) : Math.min(ids.length - 1, Math.max(0, at + delta));
      get().select(ids[next]!);
    },
    loadCard,
  };
});
