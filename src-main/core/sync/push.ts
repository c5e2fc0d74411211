/**
 * Drains the outbox in seq order, in batches. Applied and duplicate mutations leave the outbox
 * (their fields are remembered for lost-update notices); rejected ones stay, marked, and do not
 * hold back the ones after them. SEQUENCE_GAP renumbers the pending mutations after the
 * server's last seen seq (same order, same ids, so nothing is applied twice).
 */
import { PushResponse, SYNC_SCHEMA_VERSION } from '../../../src-shared/schemas/sync';
import { OnCallApiError, type OnCallClient } from '../../../src-shared/sdk';
import { isCreate } from '../../../src-shared/mutators';
import type { LocalStore } from '../store';
import type { OutboxEntry } from '../store/outbox';

export interface PushOutcome {
  pushed: number;
  rejected: { entity: OutboxEntry['entity']; id: string }[];
  /** entities of rows rebased at once because the pulled server state already showed the change */
  rebased: Set<OutboxEntry['entity']>;
}

/** Recomputes a row as server state + pending mutations (LocalWriter.rebase, inside a transaction). */
export type Rebase = (entity: OutboxEntry['entity'], id: string) => void;

/** Fields that are not a user's value: the record id, the event time, the version it was based on, partial metadata. */
const UNTRACKED = new Set(['id', 'at', 'based_on', 'metadata']);

export async function pushOutbox(
  client: OnCallClient,
  store: LocalStore,
  batchSize: number,
  now: () => string,
  signal?: AbortSignal,
  rebase?: Rebase,
): Promise<PushOutcome> {
  const outcome: PushOutcome = { pushed: 0, rejected: [], rebased: new Set() };
  let gapRetries = 0;
  const send = (batch: OutboxEntry[]): Promise<PushResponse> =>
    client.sync.push({
      client_id: store.state.get().clientId,
      schema_version: SYNC_SCHEMA_VERSION,
      mutations: batch.map((e) => ({ seq: e.seq, id: e.id, name: e.name, args: e.args })),
    }, { signal });

  // Two batches in flight: the next one is sent while the server applies this one, so that
  // settling an answer here and reading the next batch overlap the server's work (the server
  // applies a client's pushes one at a time, in seq order). Should the next one get there first,
  // the server refuses it with SEQUENCE_GAP and nothing of it is applied: it is sent again once
  // this one is answered.
  let current = launch(store.outbox.pending(batchSize), send, false);
  while (current) {
    const { batch } = current;
    const next = batch.length === batchSize ? launch(store.outbox.pending(batchSize, batch.at(-1)!.seq), send, true) : null;
    let res: PushResponse;
    try {
      res = await current.answer;
    } catch (err) {
      // What was sent after this batch is not settled here: it is sent again (duplicates, at worst).
      await next?.answer.catch(() => undefined);
      const gap = err instanceof OnCallApiError && err.code === 'SEQUENCE_GAP';
      if (gap && current.early) {
        current = launch(batch, send, false);
        continue;
      }
      const last = gap ? Number((err as OnCallApiError).details?.last_mutation_seq) : NaN;
      if (Number.isInteger(last) && last >= 0 && gapRetries++ < 3) {
        resequence(store, last);
        current = launch(store.outbox.pending(batchSize), send, false);
        continue;
      }
      // A 5xx mid-batch lists what was processed before the failure: settle those now.
      const partial = err instanceof OnCallApiError ? PushResponse.safeParse(err.details) : null;
      if (partial?.success) outcome.rejected.push(...settle(store, batch, partial.data, now(), rebase, outcome.rebased).rejected);
      throw err;
    }
    const settled = settle(store, batch, res, now(), rebase, outcome.rebased);
    outcome.pushed += settled.count;
    outcome.rejected.push(...settled.rejected);
    if (settled.count === 0) {
      await next?.answer.catch(() => undefined);
      throw new OnCallApiError(502, { code: 'PUSH_NOT_PROCESSED', message: 'the server answered the push without a result for our first mutation' });
    }
    current = next;
  }
  return outcome;
}

interface Flight {
  batch: OutboxEntry[];
  answer: Promise<PushResponse>;
  /** sent before the batch before it was answered */
  early: boolean;
}

function launch(batch: OutboxEntry[], send: (batch: OutboxEntry[]) => Promise<PushResponse>, early: boolean): Flight | null {
  if (!batch.length) return null;
  const answer = send(batch);
  answer.catch(() => undefined); // read when its turn comes; never an unhandled rejection meanwhile
  return { batch, answer, early };
}

/** Renumbers pending mutations after the server's last processed seq (ids unchanged: no double apply). */
export function resequence(store: LocalStore, lastSeenByServer: number): void {
  store.tx(() => {
    const next = store.outbox.renumberPending(lastSeenByServer + 1);
    store.state.set({ nextSeq: Math.max(next, store.state.get().nextSeq), lastMutationSeq: lastSeenByServer });
  });
}

/**
 * Whether the last pulled server state already shows this acknowledged mutation: it was pulled
 * before the answer arrived (a crash or a lost answer, then the first cycle's pull-before-push).
 * Then no later pull brings the record again, and its row must drop the mutation now, or it
 * would keep showing it applied twice (e.g. a local `updated_at` and `version` that never were).
 */
function serverShows(store: LocalStore, e: OutboxEntry): boolean {
  // A create: whether the record was pulled at all (a drain settles hundreds: no record parsed).
  if (isCreate(e.name)) return store.entities.hasServer(e.entity, e.entity_id);
  const server = store.entities.get(e.entity, e.entity_id)?.server;
  if (!server) return false;
  return Object.entries(e.args).every(([k, v]) => UNTRACKED.has(k) || JSON.stringify(server[k] ?? null) === JSON.stringify(v ?? null));
}

function settle(store: LocalStore, batch: OutboxEntry[], res: PushResponse, at: string, rebase?: Rebase, rebased?: Set<OutboxEntry['entity']>) {
  const bySeq = new Map(batch.map((e) => [e.seq, e]));
  const rejected: PushOutcome['rejected'] = [];
  let count = 0;
  store.tx(() => {
    for (const r of res.results) {
      const e = bySeq.get(r.seq);
      if (!e) continue;
      count++;
      if (r.status === 'rejected') {
        store.outbox.reject(e.id, r.error ?? { code: 'REJECTED', message: 'the server rejected this change' }, at);
        rejected.push({ entity: e.entity, id: e.entity_id });
        continue;
      }
      store.outbox.remove(e.id);
      if (rebase && serverShows(store, e)) {
        rebase(e.entity, e.entity_id);
        rebased?.add(e.entity);
      }
      // The agent's own state is not content anyone else edits: only the agent's later sets and
      // the server's own moves (presence, the wrap-up limit, a set's derived call_id) change it,
      // and the status bar shows where it is. Watching it for lost updates only reported the
      // agent's own next set, applied by the rulebook, as "someone else's later change".
      if (!isCreate(e.name) && e.entity !== 'agent_state') {
        const fields = Object.fromEntries(Object.entries(e.args).filter(([k]) => !UNTRACKED.has(k)));
        store.notices.remember(e.entity, e.entity_id, e.id, e.name, fields);
      }
    }
    store.state.set({ lastMutationSeq: res.last_mutation_seq, lastPushAt: at });
  });
  return { count, rejected };
}
