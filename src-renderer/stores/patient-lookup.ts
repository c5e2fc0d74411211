/**
 * Patients by id for rows that show one (a task row's "Call" button), read with 'patients.get'
 * from the local store. Each id is fetched once while rows scroll in and out of the virtualised
 * list; a 'data.changed' for patients re-reads the ones already known (a number may have changed).
 */
import { create } from 'zustand';
import type { PatientRead } from '../../src-shared/schemas/patients';
import { invoke } from '../bridge';

/** Enough for every row on screen many times over; the oldest entries are dropped first. */
const MAX_KNOWN = 500;

interface PatientLookupState {
  /** null = no such patient here (deleted, or not synced yet) */
  byId: Record<string, PatientRead | null>;
  ensure(id: string): void;
  refresh(): Promise<void>;
}

const inFlight = new Set<string>();

export const usePatientLookup = create<PatientLookupState>()((set, get) => ({
  byId: {},
  ensure(id) {
    if (id in get().byId || inFlight.has(id)) return;
    inFlight.add(id);
    invoke('patients.get', { id })
      .then((patient) => {
        const byId = { ...get().byId, [id]: patient };
        const ids = Object.keys(byId);
        for (const old of ids.slice(0, Math.max(0, ids.length - MAX_KNOWN))) delete byId[old];
        set({ byId });
      })
      .catch(() => undefined)
      .finally(() => inFlight.delete(id));
  },
  async refresh() {
    const ids = Object.keys(get().byId);
    if (ids.length === 0) return;
    const patients = await Promise.all(ids.map((id) => invoke('patients.get', { id }).catch(() => get().byId[id] ?? null)));
    const byId = { ...get().byId };
    ids.forEach((id, i) => (byId[id] = patients[i]!));
    set({ byId });
  },
}));
