/**
 * The outbox: local mutations waiting for the server, in seq order. A mutation leaves it only
 * when the server applied it (or had already); a rejected one stays, marked, until the user
 * retries it with new arguments or discards it.
 */
import type { AttentionItem } from '../../../src-shared/ipc/contract';
import type { ErrorObject } from '../../../src-shared/schemas/errors';
import type { MutatorName, SyncEntity } from '../../../src-shared/schemas/sync';
import type { Db } from './database';
import { statementCache } from './statements';
import type { SyncStateStore } from './sync-state';

export interface OutboxEntry {
  id: string;
  seq: number;
  name: MutatorName;
  entity: SyncEntity;
  entity_id: string;
  args: Record<string, unknown>;
  created_at: string;
  status: 'pending' | 'rejected';
  error: ErrorObject | null;
  rejected_at: string | null;
}

interface Row extends Omit<OutboxEntry, 'args' | 'error'> {
  args: string;
  error: string | null;
}

const parse = (r: Row): OutboxEntry => ({
  ...r,
  args: JSON.parse(r.args) as Record<string, unknown>,
  error: r.error ? (JSON.parse(r.error) as ErrorObject) : null,
});

export interface OutboxCounts {
  pending: number;
  rejected: number;
  oldestPendingAt: string | null;
}

export class Outbox {
  private readonly stmt;
  /**
   * The counts as committed, kept because `sync.status` reads them after every local write: an
   * add (always the newest seq) moves them by one, any other change forgets them (read again
   * from the index next time), and so does a transaction that rolls back (LocalStore.tx).
   */
  private known: OutboxCounts | null = null;

  constructor(
    db: Db,
    private readonly state: SyncStateStore,
  ) {
    this.stmt = statementCache(db);
  }

  /** Queues a mutation; its seq comes from `SyncStateStore.takeSeq` in the same transaction. */
  add(e: Omit<OutboxEntry, 'status' | 'error' | 'rejected_at'>): void {
    this.stmt('INSERT INTO outbox (id, seq, name, entity, entity_id, args, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      e.id,
      e.seq,
      e.name,
      e.entity,
      e.entity_id,
      JSON.stringify(e.args),
      e.created_at,
    );
    if (this.known) this.known = { ...this.known, pending: this.known.pending + 1, oldestPendingAt: this.known.oldestPendingAt ?? e.created_at };
  }

  get(id: string): OutboxEntry | null {
    const row = this.stmt('SELECT * FROM outbox WHERE id = ?').get(id) as Row | undefined;
    return row ? parse(row) : null;
  }

  /** The next pending mutations to push, oldest first (after seq `after`: those already sent). */
  pending(limit = 1_000_000, after = 0): OutboxEntry[] {
    return (this.stmt("SELECT * FROM outbox WHERE status = 'pending' AND seq > ? ORDER BY seq LIMIT ?").all(after, limit) as Row[]).map(parse);
  }

  pendingFor(entity: SyncEntity, entityId: string): OutboxEntry[] {
    return (this.stmt("SELECT * FROM outbox WHERE status = 'pending' AND entity = ? AND entity_id = ? ORDER BY seq").all(entity, entityId) as Row[]).map(parse);
  }

  /** Ids of entities with pending mutations (so a rebuild keeps rows the server has not seen yet). */
  pendingEntityIds(entity: SyncEntity): Set<string> {
    const rows = this.stmt("SELECT DISTINCT entity_id FROM outbox WHERE status = 'pending' AND entity = ?").all(entity) as {
      entity_id: string;
    }[];
    return new Set(rows.map((r) => r.entity_id));
  }

  remove(id: string): void {
    this.known = null;
    const row = this.stmt('DELETE FROM outbox WHERE id = ? RETURNING seq').get(id) as { seq: number } | undefined;
    if (row) this.state.outboxRemoved(row.seq);
  }

  reject(id: string, error: ErrorObject, at: string): void {
    this.known = null;
    this.stmt("UPDATE outbox SET status = 'rejected', error = ?, rejected_at = ? WHERE id = ?").run(JSON.stringify(error), at, id);
  }

  counts(): OutboxCounts {
    if (this.known) return this.known;
    // Answered from the (status, seq) index alone. An aggregate over the table read every queued
    // row's args, so a write cost grew with the queue.
    const r = this.stmt(
      `SELECT (SELECT count(*) FROM outbox WHERE status = 'pending') AS pending,
              (SELECT count(*) FROM outbox WHERE status = 'rejected') AS rejected,
              (SELECT created_at FROM outbox WHERE status = 'pending' ORDER BY seq LIMIT 1) AS oldest`,
    ).get() as { pending: number | null; rejected: number | null; oldest: string | null };
    this.known = { pending: r.pending ?? 0, rejected: r.rejected ?? 0, oldestPendingAt: r.oldest };
    return this.known;
  }

  /** Drops what is kept in memory (the transaction that wrote it rolled back). */
  forgetCached(): void {
    this.known = null;
  }

  rejected(): AttentionItem[] {
    const rows = this.stmt("SELECT * FROM outbox WHERE status = 'rejected' ORDER BY seq").all() as Row[];
    return rows.map(parse).map((e) => ({
      mutation_id: e.id,
      name: e.name,
      args: e.args,
      error: e.error!,
      created_at: e.created_at,
      rejected_at: e.rejected_at!,
    }));
  }

  /** The records of rejected mutations (whose refused change must leave the local view). */
  rejectedRecords(): { entity: SyncEntity; id: string }[] {
    const rows = this.stmt("SELECT DISTINCT entity, entity_id FROM outbox WHERE status = 'rejected'").all() as { entity: SyncEntity; entity_id: string }[];
    return rows.map((r) => ({ entity: r.entity, id: r.entity_id }));
  }

  /**
   * Renumbers the pending mutations from `firstSeq` on, keeping their order (the server said
   * our numbering and its own disagree: SEQUENCE_GAP). Returns the next free seq.
   */
  renumberPending(firstSeq: number): number {
    this.known = null;
    const ids = this.pending().map((e) => e.id);
    const update = this.stmt('UPDATE outbox SET seq = ? WHERE id = ?');
    ids.forEach((id, i) => update.run(firstSeq + i, id));
    return firstSeq + ids.length;
  }
}
