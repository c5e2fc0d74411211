/** This desktop's sync identity and progress: one row, read and written in small pieces. */
import type { SessionInfo } from '../../../src-shared/ipc/contract';
import type { Db } from './database';
import { statementCache } from './statements';

/** Whose data the store holds, so a different sign-in does not mix two users' records. */
export interface StoreOwner {
  serverUrl: string;
  userId: string;
  organizationId: string;
}

export interface SyncState {
  clientId: string;
  cursor: number;
  lastMutationSeq: number;
  nextSeq: number;
  rebuilding: boolean;
  session: SessionInfo | null;
  owner: StoreOwner | null;
  lastPushAt: string | null;
  lastPullAt: string | null;
}

interface Row {
  client_id: string;
  cursor: number;
  last_mutation_seq: number;
  next_seq: number;
  rebuilding: number;
  session: string | null;
  owner: string | null;
  last_push_at: string | null;
  last_pull_at: string | null;
}

const COLUMNS: Record<keyof Omit<SyncState, 'clientId'>, keyof Row> = {
  cursor: 'cursor',
  lastMutationSeq: 'last_mutation_seq',
  nextSeq: 'next_seq',
  rebuilding: 'rebuilding',
  session: 'session',
  owner: 'owner',
  lastPushAt: 'last_push_at',
  lastPullAt: 'last_pull_at',
};

export class SyncStateStore {
  private readonly stmt;
  /**
   * The row as committed, parsed (frozen: callers share it), and the stored `next_seq` beside it.
   * The session in it is read on every local write (who writes) and the status after it; any
   * change through this class forgets it, and so does a transaction that rolls back (LocalStore.tx).
   */
  private known: { state: Readonly<SyncState>; storedNextSeq: number } | null = null;

  constructor(db: Db) {
    this.stmt = statementCache(db);
  }

  get(): Readonly<SyncState> {
    return this.load().state;
  }

  /** Drops what is kept in memory (the transaction that wrote it rolled back). */
  forgetCached(): void {
    this.known = null;
  }

  private load() {
    if (this.known) return this.known;
    // The next seq is above the stored mark and above every queued mutation (schema 3): see takeSeq.
    const r = this.stmt(
      `SELECT s.*, max(coalesce((SELECT max(seq) FROM outbox WHERE status = 'pending'), 0),
                       coalesce((SELECT max(seq) FROM outbox WHERE status = 'rejected'), 0)) AS top_seq
       FROM sync_state s WHERE id = 1`,
    ).get() as Row & { top_seq: number };
    const state: SyncState = {
      clientId: r.client_id,
      cursor: r.cursor,
      lastMutationSeq: r.last_mutation_seq,
      nextSeq: Math.max(r.next_seq, r.top_seq + 1),
      rebuilding: r.rebuilding === 1,
      session: r.session ? (JSON.parse(r.session) as SessionInfo) : null,
      owner: r.owner ? (JSON.parse(r.owner) as StoreOwner) : null,
      lastPushAt: r.last_push_at,
      lastPullAt: r.last_pull_at,
    };
    this.known = { state: Object.freeze(state), storedNextSeq: r.next_seq };
    return this.known;
  }

  set(patch: Partial<Omit<SyncState, 'clientId'>>): void {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, value] of Object.entries(patch) as [keyof typeof COLUMNS, unknown][]) {
      sets.push(`${COLUMNS[key]} = ?`);
      if (typeof value === 'boolean') values.push(value ? 1 : 0);
      else if (value !== null && typeof value === 'object') values.push(JSON.stringify(value));
      else values.push(value);
    }
    if (!sets.length) return;
    this.known = null;
    // The set of columns varies, but only over the few combinations the callers use.
    this.stmt(`UPDATE sync_state SET ${sets.join(', ')} WHERE id = 1`).run(...values);
  }

  /** A new client identity (the server binds a client id to one user): seqs start again at 1. */
  newClient(clientId: string): void {
    this.known = null;
    this.stmt('UPDATE sync_state SET client_id = ?, next_seq = 1, last_mutation_seq = 0 WHERE id = 1').run(clientId);
  }

  /**
   * Takes the next mutation seq, for an outbox entry written in the caller's transaction. Nothing
   * is written here: the entry itself records that its seq is taken (the next seq is above every
   * queued one), and an entry leaving the outbox moves the stored mark past it first
   * (`outboxRemoved`). Writing `next_seq` on every local write was a statement and a page of
   * every commit, for a number the outbox already holds.
   */
  takeSeq(): number {
    const { state, storedNextSeq } = this.load();
    this.known = { state: Object.freeze({ ...state, nextSeq: state.nextSeq + 1 }), storedNextSeq };
    return state.nextSeq;
  }

  /**
   * An outbox entry with this seq was deleted (in the caller's transaction): when it was the
   * newest one, the stored mark must now say that its seq was used, or the next write after a
   * restart would take it again.
   */
  outboxRemoved(seq: number): void {
    const { state, storedNextSeq } = this.load();
    if (seq + 1 < state.nextSeq || storedNextSeq > seq) return; // a newer entry or the mark covers it
    this.stmt('UPDATE sync_state SET next_seq = ? WHERE id = 1').run(seq + 1);
    this.known = { state, storedNextSeq: seq + 1 };
  }
}
