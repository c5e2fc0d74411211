/**
 * Applies one pull page in one transaction: server rows replace the `server` state, pending
 * local mutations are rebased on top, the cursor moves, and two things are noticed on the way:
 * tasks that newly became the user's (assigned by someone else) and acknowledged changes of
 * ours that a later write replaced (OVERWRITTEN notices in the attention list).
 *
 * Most rows of a page (all of a first download) have neither a pending mutation nor a
 * remembered field: such a row is simply the server's, written with one prepared statement.
 * Only the others take the full path (lost-update check, rebase of pending mutations), which
 * reads and writes the row several times (rebase and the lost-update check were 64% of applying
 * a first download's pages in a CPU profile; docs/BENCHMARKS.md).
 */
import type { AttentionItem } from '../../../src-shared/ipc/contract';
import type { SessionUser } from '../../../src-shared/schemas/auth';
import type { Change, PullResponse, SyncEntity, SyncNotice } from '../../../src-shared/schemas/sync';
import type { TaskRead } from '../../../src-shared/schemas/tasks';
import type { LocalWriter } from '../local-writes';
import type { LocalStore } from '../store';
import type { AckedField } from '../store/notices';

export interface PullPageResult {
  entities: Set<SyncEntity>;
  assigned: TaskRead[];
  notices: number;
}

export interface ApplyPullOptions {
  store: LocalStore;
  writer: LocalWriter;
  user: SessionUser;
  now: string;
  /** a first download or a rebuild: nothing in it is "news" */
  quiet: boolean;
}

const OPEN_TASK = new Set(['open', 'in_progress']);

export function applyPullPage(page: PullResponse, o: ApplyPullOptions): PullPageResult {
  const { store } = o;
  const result: PullPageResult = { entities: new Set(), assigned: [], notices: 0 };
  store.tx(() => {
    const rebuilding = store.state.get().rebuilding;
    const seen = rebuilding ? store.db.prepare('INSERT OR IGNORE INTO rebuild_seen (entity, id) VALUES (?, ?)') : null;
    // Before the changes: a field the server reports settles the same field remembered here, so
    // the lost-update check below does not report it a second time.
    for (const notice of page.notices ?? []) {
      store.notices.add(attentionOf(notice, store.notices.takeFields(notice.entity, notice.entity_id, Object.keys(notice.fields))[0], o.now));
      result.notices++;
    }
    const busy = busyRecords(store);
    for (const change of page.changes) {
      result.entities.add(change.entity);
      seen?.run(change.entity, change.id);
      if (!busy(change.entity, change.id)) {
        applyPlain(change, o, result);
        continue;
      }
      const before = store.entities.get(change.entity, change.id)?.data ?? null;
      if (change.op === 'delete') {
        store.notices.take(change.entity, change.id);
        store.entities.put(change.entity, change.id, before ?? {}, null);
        if (!o.writer.rebase(change.entity, change.id, o.user)) store.entities.delete(change.entity, change.id);
        continue;
      }
      result.notices += noticeLostUpdates(change, o);
      store.entities.put(change.entity, change.id, before ?? change.data, change.data);
      const after = o.writer.rebase(change.entity, change.id, o.user);
      if (change.entity === 'task' && !o.quiet && after && newlyMine(before as TaskRead | null, after as TaskRead, o.user)) {
        result.assigned.push(after as TaskRead);
      }
    }
    store.state.set({ cursor: page.cursor, lastMutationSeq: page.last_mutation_seq, lastPullAt: o.now });
  });
  return result;
}

/** Whether a record has pending mutations or remembered fields (each set read once per page). */
function busyRecords(store: LocalStore): (entity: SyncEntity, id: string) => boolean {
  const sets = new Map<SyncEntity, Set<string>>();
  return (entity, id) => {
    let ids = sets.get(entity);
    if (!ids) {
      ids = new Set([...store.outbox.pendingEntityIds(entity), ...store.notices.ackedIds(entity)]);
      sets.set(entity, ids);
    }
    return ids.has(id);
  };
}

/** A change to a record with nothing pending and nothing remembered: the server's row is the row. */
function applyPlain(change: Change, o: ApplyPullOptions, result: PullPageResult): void {
  const { store } = o;
  if (change.op === 'delete') {
    store.entities.delete(change.entity, change.id);
    return;
  }
  // Only a task can be news (newly assigned), and only outside a first download or a rebuild.
  const news = change.entity === 'task' && !o.quiet;
  const before = news ? (store.entities.get<TaskRead>('task', change.id)?.data ?? null) : null;
  store.entities.putServer(change.entity, change.id, change.data);
  if (news && newlyMine(before, change.data as TaskRead, o.user)) result.assigned.push(change.data as TaskRead);
}

/** Assigned to me now, not before (as I last saw it), and not my own doing. */
function newlyMine(before: TaskRead | null, after: TaskRead, user: SessionUser): boolean {
  if (after.assignee_id !== user.id || !OPEN_TASK.has(after.status)) return false;
  if (before?.assignee_id === user.id) return false;
  return !(before === null && after.created_by === user.id);
}

/**
 * The server's notice as an attention item, under the id of our own mutation that set the field
 * when we still remember it (so it reads like the notice we would have found ourselves).
 */
function attentionOf(notice: SyncNotice, ours: AckedField | undefined, now: string): AttentionItem {
  const names = Object.keys(notice.fields);
  return {
    mutation_id: ours?.mutation_id ?? notice.id,
    name: ours?.name ?? notice.name,
    args: { id: notice.entity_id, ...Object.fromEntries(names.map((f) => [f, notice.fields[f]!.yours])) },
    error: {
      code: 'OVERWRITTEN',
      message: overwrittenMessage(names, notice.entity),
      details: { entity: notice.entity, id: notice.entity_id, fields: notice.fields },
    },
    created_at: notice.created_at,
    rejected_at: now,
  };
}

const overwrittenMessage = (fields: string[], entity: string) =>
  `your change to ${fields.join(', ')} of this ${entity} was replaced by someone else's later change`;

/** Compares the fields of our acknowledged updates with what the server now holds. */
function noticeLostUpdates(change: Extract<Change, { op: 'upsert' }>, o: ApplyPullOptions): number {
  const acked = o.store.notices.take(change.entity, change.id);
  if (!acked.length) return 0;
  // A field we are about to write again will win anyway: no need to bother the user.
  const stillPending = new Set(o.store.outbox.pendingFor(change.entity, change.id).flatMap((m) => Object.keys(m.args)));
  const server = change.data as Record<string, unknown>;
  const lost = new Map<string, { name: string; fields: Record<string, { yours: unknown; theirs: unknown }> }>();
  for (const a of acked) {
    if (stillPending.has(a.field)) continue;
    if (JSON.stringify(server[a.field] ?? null) === JSON.stringify(a.value)) continue;
    const entry = lost.get(a.mutation_id) ?? { name: a.name, fields: {} };
    entry.fields[a.field] = { yours: a.value, theirs: server[a.field] ?? null };
    lost.set(a.mutation_id, entry);
  }
  for (const [mutationId, { name, fields }] of lost) {
    const names = Object.keys(fields);
    const item: AttentionItem = {
      mutation_id: mutationId,
      name,
      args: { id: change.id, ...Object.fromEntries(names.map((f) => [f, fields[f]!.yours])) },
      error: {
        code: 'OVERWRITTEN',
        message: overwrittenMessage(names, change.entity),
        details: { entity: change.entity, id: change.id, fields },
      },
      created_at: o.now,
      rejected_at: o.now,
    };
    o.store.notices.add(item);
  }
  return lost.size;
}
