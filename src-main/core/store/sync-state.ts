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
   * The row as committed, parsed (frozen: callers share it). The session in it is read on every
   * local write (who writes) and the status after it; any change through this class forgets it,
   * and so does a transaction that rolls back (LocalStore.tx).
   */
  private known: Readonly<SyncState> | null = null;

  constructor(db: Db) {
    this.stmt = statementCache(db);
  }

  get(): Readonly<SyncState> {
    this.known ??= Object.freeze(this.read());
    return this.known;
  }

  /** Drops what is kept in memory (the transaction that wrote it rolled back). */
  forgetCached(): void {
    this.known = null;
  }

  private read(): SyncState {
    const r = this.stmt('SELECT * FROM sync_state WHERE id = 1').get() as Row;
    return {
      clientId: r.client_id,
      cursor: r.cursor,
      lastMutationSeq: r.last_mutation_seq,
      nextSeq: r.next_seq,
      rebuilding: r.rebuilding === 1,
      session: r.session ? (JSON.parse(r.session) as SessionInfo) : null,
      owner: r.owner ? (JSON.parse(r.owner) as StoreOwner) : null,
      lastPushAt: r.last_push_at,
      lastPullAt: r.last_pull_at,
    };
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

  /** Takes the next mutation seq (inside the caller's transaction). */
  takeSeq(): number {
    const { next_seq } = this.stmt('UPDATE sync_state SET next_seq = next_seq + 1 WHERE id = 1 RETURNING next_seq - 1 AS next_seq').get() as { next_seq: number };
    if (this.known) this.known = Object.freeze({ ...this.known, nextSeq: next_seq + 1 });
    return next_seq;
  }
}
