/**
 * The local store: one SQLite file and the small repositories over it. Every write goes through
 * a repository (they keep some committed values in memory and forget them when they write).
 */
import type Database from 'better-sqlite3';
import { openStore, type Db } from './database';
import { EntityStore } from './entities';
import { NoticeStore } from './notices';
import { Outbox } from './outbox';
import { ReferenceStore } from './reference';
import { SyncStateStore } from './sync-state';

export class LocalStore {
  readonly entities: EntityStore;
  readonly outbox: Outbox;
  readonly state: SyncStateStore;
  readonly notices: NoticeStore;
  readonly reference: ReferenceStore;
  /** one transaction function for every `tx` (better-sqlite3 builds a new wrapper per `transaction()`) */
  private readonly inTx: Database.Transaction<(fn: () => unknown) => unknown>;

  constructor(readonly db: Db) {
    this.entities = new EntityStore(db);
    this.state = new SyncStateStore(db);
    this.outbox = new Outbox(db, this.state);
    this.notices = new NoticeStore(db);
    this.reference = new ReferenceStore(db);
    this.inTx = db.transaction((fn: () => unknown) => fn());
  }

  static open(dataDir: string): LocalStore {
    return new LocalStore(openStore(dataDir));
  }

  /**
   * Runs `fn` in one SQLite transaction (IMMEDIATE: a writer never waits mid-way for a lock).
   * The repositories keep a few committed values in memory (counts, the sync state, settings);
   * when the transaction (or a nested one) rolls back they forget them and read the store again.
   */
  tx<T>(fn: () => T): T {
    try {
      return this.inTx.immediate(fn) as T;
    } catch (err) {
      this.forgetCached();
      throw err;
    }
  }

  /** Drops every value the repositories keep in memory: the next reads go to the store. */
  forgetCached(): void {
    this.outbox.forgetCached();
    this.state.forgetCached();
    this.notices.forgetCached();
    this.reference.forgetCached();
  }

  /**
   * Runs `fn`, whose commits hold only state the server can send again (a poke's changes and the
   * cursor they move, together), without waiting for the disk at commit (synchronous=NORMAL in
   * WAL mode): a power cut may lose such a commit, never tear it, and the next pull brings it
   * again. The WAL is written in order, so the next FULL commit makes this one durable as well.
   * Never for local writes: their outbox entries must survive a crash once written.
   */
  withoutSyncWait<T>(fn: () => T): T {
    const was = this.db.pragma('synchronous', { simple: true }) as number;
    this.db.pragma('synchronous = NORMAL');
    try {
      return fn();
    } finally {
      this.db.pragma(`synchronous = ${was}`);
    }
  }

  close(): void {
    this.db.close();
  }
}
