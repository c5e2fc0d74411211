/** The local store: one SQLite file and the small repositories over it. */
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

  constructor(readonly db: Db) {
    this.entities = new EntityStore(db);
    this.outbox = new Outbox(db);
    this.state = new SyncStateStore(db);
    this.notices = new NoticeStore(db);
    this.reference = new ReferenceStore(db);
  }

  static open(dataDir: string): LocalStore {
    return new LocalStore(openStore(dataDir));
  }

  /** Runs `fn` in one SQLite transaction (IMMEDIATE: a writer never waits mid-way for a lock). */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    this.db.close();
  }
}
