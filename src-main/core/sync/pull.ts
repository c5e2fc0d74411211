/**
 * Pulls by cursor until the server has nothing more, applying each page in its own
 * transaction. CURSOR_EXPIRED (the server no longer keeps our place) starts a rebuild from
 * cursor 0; when it completes, server rows the rebuild did not bring are gone on the server
 * (or no longer ours to see) and are dropped, unless a pending local change still needs them.
 */
import type { SessionUser } from '../../../src-shared/schemas/auth';
import { SYNC_ENTITIES, type PullResponse, type SyncEntity } from '../../../src-shared/schemas/sync';
import type { TaskRead } from '../../../src-shared/schemas/tasks';
import { OnCallApiError, type OnCallClient } from '../../../src-shared/sdk';
import type { LocalWriter } from '../local-writes';
import type { LocalStore } from '../store';
import { ENTITY_TABLES } from '../store/entities';
import { applyPullPage } from './pull-applier';
import { resequence } from './push';

export interface PullOptions {
  client: OnCallClient;
  store: LocalStore;
  writer: LocalWriter;
  user: SessionUser;
  limit: number;
  now: () => string;
  signal?: AbortSignal;
  /** after each applied page: views refresh progressively during a long first download */
  onPage: (entities: SyncEntity[]) => void;
}

export interface PullOutcome {
  entities: Set<SyncEntity>;
  assigned: TaskRead[];
  notices: number;
}

export async function pullAll(o: PullOptions): Promise<PullOutcome> {
  const { store } = o;
  const outcome: PullOutcome = { entities: new Set(), assigned: [], notices: 0 };
  // The next page is asked for before this one is applied, so the server reads it while this
  // process writes (a first download is half server, half local writes: on two cores they overlap).
  let next = fetchPage(o, store.state.get().cursor);
  try {
    for (;;) {
      const state = store.state.get();
      let page: PullResponse;
      try {
        page = await next.page;
      } catch (err) {
        if (err instanceof OnCallApiError && err.code === 'CURSOR_EXPIRED' && state.cursor > 0) {
          startRebuild(store);
          next = fetchPage(o, 0);
          continue;
        }
        throw err;
      }
      if (page.has_more) {
        if (page.cursor <= state.cursor) {
          throw new OnCallApiError(502, { code: 'PULL_STALLED', message: 'the server said has_more without moving the cursor' });
        }
        next = fetchPage(o, page.cursor);
        // Let the request leave before the synchronous apply holds the event loop.
        await new Promise((resolve) => setImmediate(resolve));
      }
      const quiet = state.cursor === 0 || state.rebuilding;
      const r = applyPullPage(page, { store, writer: o.writer, user: o.user, now: o.now(), quiet });
      r.entities.forEach((e) => outcome.entities.add(e));
      outcome.assigned.push(...r.assigned);
      outcome.notices += r.notices;
      if (r.entities.size) o.onPage([...r.entities]);
      if (!page.has_more) break;
    }
  } finally {
    // A page asked for ahead of a failure (or of the end) is not wanted any more.
    next.abort();
  }
  if (store.state.get().rebuilding) finishRebuild(store).forEach((e) => outcome.entities.add(e));
  // The server has processed seqs we have not issued yet (this store was restored from an older
  // copy): seqs at or below its mark would be answered "duplicate" unseen, so move past it.
  const { lastMutationSeq, nextSeq } = store.state.get();
  const first = store.outbox.pending(1)[0];
  if (nextSeq <= lastMutationSeq || (first && first.seq <= lastMutationSeq)) resequence(store, lastMutationSeq);
  return outcome;
}

interface PageRequest {
  page: Promise<PullResponse>;
  abort: () => void;
}

/** One page request, abortable on its own (and with the caller's signal). */
function fetchPage(o: PullOptions, cursor: number): PageRequest {
  const own = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, own.signal]) : own.signal;
  const page = o.client.sync.pull({ client_id: o.store.state.get().clientId, cursor, limit: o.limit }, { signal });
  // Awaited later, or never (a failure ended the loop first): never an unhandled rejection.
  page.catch(() => undefined);
  return { page, abort: () => own.abort() };
}

function startRebuild(store: LocalStore): void {
  store.tx(() => {
    store.db.prepare('DELETE FROM rebuild_seen').run();
    store.state.set({ cursor: 0, rebuilding: true });
  });
}

function finishRebuild(store: LocalStore): SyncEntity[] {
  const touched: SyncEntity[] = [];
  store.tx(() => {
    for (const entity of SYNC_ENTITIES) {
      const keep = store.outbox.pendingEntityIds(entity);
      const stale = store.db
        .prepare(`SELECT id FROM ${ENTITY_TABLES[entity]} WHERE server IS NOT NULL AND id NOT IN (SELECT id FROM rebuild_seen WHERE entity = ?)`)
        .all(entity) as { id: string }[];
      for (const { id } of stale) {
        if (keep.has(id)) continue;
        store.entities.delete(entity, id);
        touched.push(entity);
      }
    }
    store.db.prepare('DELETE FROM rebuild_seen').run();
    store.state.set({ rebuilding: false });
  });
  return [...new Set(touched)];
}
