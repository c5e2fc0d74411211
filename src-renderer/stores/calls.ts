/** The call log being looked at (a date range and filters) and the call open in the detail pane. */
import { create } from 'zustand';
import type { CallStatus } from '../../src-shared/domain/call-status';
import type { CallDirection } from '../../src-shared/domain/enums';
import type { IpcArgs } from '../../src-shared/ipc/contract';
import type { CallRead, CallUpdate } from '../../src-shared/schemas/calls';
import { type InvokeError, asBridgeError, invoke } from '../bridge';
import { coalesce, mergeById, sameIdsOr, upsertOne } from '../lib/records';
import { localDate, localDayRange } from '../lib/time';

export interface CallQuery {
  from: string; // local YYYY-MM-DD
  to: string;
  status: CallStatus | 'all';
  outcome: string | 'all';
  direction: CallDirection | 'all';
  /** local text filter: number, patient name or notes */
  q: string;
}

export const todayQuery = (): CallQuery => {
  const today = localDate();
  return { from: today, to: today, status: 'all', outcome: 'all', direction: 'all', q: '' };
};

interface CallsState {
  query: CallQuery;
  /** ids in the list, newest first, after the local text filter */
  ids: string[];
  /** ids the core returned for the query (before the text filter) */
  loadedIds: string[];
  byId: Record<string, CallRead>;
  loaded: boolean;
  error: InvokeError | null;
  selectedId: string | null;
  setQuery(patch: Partial<CallQuery>): void;
  load(): Promise<void>;
  select(id: string | null): void;
  selectRelative(delta: number): void;
  /** fetches a call that is not in the current list (opened from a patient card) */
  ensure(id: string): Promise<void>;
  start(args: IpcArgs<'call.create'>): Promise<CallRead>;
  update(id: string, patch: CallUpdate): Promise<CallRead>;
  put(call: CallRead): void;
}

function filterIds(ids: string[], byId: Record<string, CallRead>, q: string): string[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return ids;
  const digits = needle.replace(/\D/g, '');
  return ids.filter((id) => {
    const c = byId[id]!;
    return (
      (c.patient_name ?? '').toLowerCase().includes(needle) ||
      c.notes.toLowerCase().includes(needle) ||
      (digits.length >= 3 && c.phone_number.replace(/\D/g, '').includes(digits))
    );
  });
}

function inQuery(c: CallRead, q: CallQuery): boolean {
  const { from, to } = localDayRange(q.from, q.to);
  return (
    c.started_at >= from &&
    c.started_at <= to &&
    (q.status === 'all' || c.status === q.status) &&
    (q.outcome === 'all' || c.outcome === q.outcome) &&
    (q.direction === 'all' || c.direction === q.direction)
  );
}

const newestFirst = (byId: Record<string, CallRead>) => (a: string, b: string) =>
  byId[a]!.started_at < byId[b]!.started_at ? 1 : byId[a]!.started_at > byId[b]!.started_at ? -1 : 0;

export const useCalls = create<CallsState>()((set, get) => {
  const load = coalesce(async () => {
    const q = get().query;
    const range = localDayRange(q.from, q.to);
    try {
      const list = await invoke('calls.list', {
        ...range,
        ...(q.status !== 'all' ? { status: q.status } : {}),
        ...(q.outcome !== 'all' ? { outcome: q.outcome } : {}),
        ...(q.direction !== 'all' ? { direction: q.direction } : {}),
        limit: 10_000,
      });
      const s = get();
      // Keep calls that are open elsewhere (detail pane) even when the query no longer lists them.
      const merged = mergeById(s.byId, list);
      if (s.selectedId && !merged[s.selectedId] && s.byId[s.selectedId]) merged[s.selectedId] = s.byId[s.selectedId]!;
      const loadedIds = list.map((c) => c.id).sort(newestFirst(merged));
      set({
        byId: merged,
        loadedIds: sameIdsOr(s.loadedIds, loadedIds),
        ids: sameIdsOr(s.ids, filterIds(loadedIds, merged, s.query.q)),
        loaded: true,
        error: null,
      });
    } catch (err) {
      set({ error: asBridgeError(err), loaded: true });
    }
  });

  return {
    query: todayQuery(),
    ids: [],
    loadedIds: [],
    byId: {},
    loaded: false,
    error: null,
    selectedId: null,
    setQuery(patch) {
      const query = { ...get().query, ...patch };
      const onlyText = Object.keys(patch).every((k) => k === 'q');
      set({ query });
      if (onlyText) set({ ids: filterIds(get().loadedIds, get().byId, query.q) });
      else void load();
    },
    load,
    select(id) {
      set({ selectedId: id });
      if (id && !get().byId[id]) void get().ensure(id);
    },
    selectRelative(delta) {
      const { ids, selectedId } = get();
      if (ids.length === 0) return;
      const at = selectedId ? ids.indexOf(selectedId) : -1;
      const next = at < 0 ? (delta > 0 ? 0 : ids.length - 1) : Math.min(ids.length - 1, Math.max(0, at + delta));
      set({ selectedId: ids[next]! });
    },
    async ensure(id) {
      const call = await invoke('calls.get', { id }).catch(() => null);
      if (call) get().put(call);
    },
    async start(args) {
      const call = await invoke('call.create', args);
      get().put(call);
      set({ selectedId: call.id });
      return call;
    },
    async update(id, patch) {
      const call = await invoke('call.update', { id, patch });
      get().put(call);
      return call;
    },
    put(call) {
      const s = get();
      const byId = upsertOne(s.byId, call);
      let loadedIds = s.loadedIds;
      const listed = loadedIds.includes(call.id);
      if (!listed && inQuery(call, s.query)) loadedIds = [...loadedIds, call.id].sort(newestFirst(byId));
      else if (listed && !inQuery(call, s.query)) loadedIds = loadedIds.filter((id) => id !== call.id);
      set({ byId, loadedIds, ids: sameIdsOr(s.ids, filterIds(loadedIds, byId, s.query.q)) });
    },
  };
});
