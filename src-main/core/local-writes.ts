/**
 * Local changes: the row and its outbox mutation are written in one transaction and the call
 * returns at once; the sync engine is only nudged. The rules are the rulebook's
 * (src-shared/mutators), the same bodies the server runs. `rebase` recomputes a row as server
 * state plus the still-pending mutations, which is also how a rejected change is rolled back.
 */
import { v7 as uuidv7 } from 'uuid';
import type { SessionUser } from '../../src-shared/schemas/auth';
import type { MutatorName, SyncEntity } from '../../src-shared/schemas/sync';
import { entityOf, isCreate } from '../../src-shared/mutators';
import { applyMutation, localTx, prepareMutation } from './domain/mutators';
import { CoreError } from './errors';
import type { LocalStore } from './store';

type Row = Record<string, unknown>;

export interface LocalWriterOptions {
  store: LocalStore;
  now: () => number;
  /** the signed-in user, or null (then nothing can be written) */
  user: () => SessionUser | null;
  /** after a commit: tell views and the sync engine */
  onWrite: (entities: SyncEntity[]) => void;
}

export class LocalWriter {
  constructor(private readonly o: LocalWriterOptions) {}

  private requireUser(): SessionUser {
    const user = this.o.user();
    if (!user) throw new CoreError('UNAUTHORIZED', 'sign in first');
    return user;
  }

  /** Applies one mutation locally and queues it; returns the new row. */
  write<T = Row>(name: MutatorName, args: Row): T {
    const rows = this.writeMany<T>([{ name, args }]);
    return rows[0]!;
  }

  /** Several mutations in one transaction: all are queued, or none (e.g. a bulk reassign). */
  writeMany<T = Row>(mutations: { name: MutatorName; args: Row }[], before?: () => void): T[] {
    const user = this.requireUser();
    const { store } = this.o;
    const entitiesTouched = new Set<SyncEntity>();
    const rows = store.tx(() => {
      before?.();
      return mutations.map(({ name, args }) => {
        const entity = entityOf(name);
        const id = String(args.id);
        const now = new Date(this.o.now()).toISOString();
        const stored = store.entities.get(entity, id);
        const current = stored?.data ?? null;
        const prepared = prepareMutation(name, args, current, now);
        if (!prepared) return current as T; // nothing changed: nothing to send
        // What the change was made on: the server's version as this desktop last saw it.
        if (!isCreate(name)) prepared.based_on = (stored?.server?.version as number | undefined) ?? 0;
        const tx = localTx(store, user, now);
        tx.readAlready(entity as 'call', id, current as never);
        applyMutation(tx, name, prepared);
        const row = tx.get(entity as 'call', id) as Row | null;
        if (!row) return current as T; // the rules changed nothing
        store.entities.put(entity, id, row);
        store.outbox.add({ id: uuidv7(), seq: store.state.takeSeq(), name, entity, entity_id: id, args: prepared, created_at: now });
        entitiesTouched.add(entity);
        return row as T;
      });
    });
    if (entitiesTouched.size) this.o.onWrite([...entitiesTouched]);
    return rows;
  }

  /**
   * Server state + pending mutations, in seq order (call inside a transaction). A pending
   * mutation that no longer applies (the record moved on) is left out of the view; the
   * server will answer it, and a rejection lands in the attention list.
   */
  rebase(entity: SyncEntity, id: string, user: SessionUser): Row | null {
    const { store } = this.o;
    const stored = store.entities.get(entity, id);
    let row = (stored?.server ?? null) as Row | null;
    for (const m of store.outbox.pendingFor(entity, id)) {
      // The server has the record already (an acknowledgement got lost): keep its version.
      if (isCreate(m.name) && row) continue;
      const tx = localTx(store, user, m.created_at);
      tx.seed(entity as 'call', id, row as never);
      try {
        applyMutation(tx, m.name, m.args);
        row = tx.get(entity as 'call', id) as Row | null;
      } catch {
        // does not apply on top of the new server state: see above
      }
    }
    if (row) store.entities.put(entity, id, row);
    else if (stored) store.entities.delete(entity, id);
    return row;
  }
}
