/**
 * The "needs attention" list: mutations the server rejected (kept in the outbox, never
 * dropped) and OVERWRITTEN notices (our acknowledged value lost to a later write). Discard
 * accepts the server's state; retry queues the change again, with the user's edited arguments
 * if given, as a new mutation at the end of the queue.
 */
import type { AttentionItem } from '../../../src-shared/ipc/contract';
import type { MutatorName, SyncEntity } from '../../../src-shared/schemas/sync';
import { entityOf, isCreate } from '../../../src-shared/mutators';
import { notFound } from '../errors';
import type { LocalWriter } from '../local-writes';
import type { LocalStore } from '../store';

export class AttentionService {
  constructor(
    private readonly store: LocalStore,
    private readonly writer: LocalWriter,
    private readonly changed: (entities: SyncEntity[]) => void,
  ) {}

  list(): AttentionItem[] {
    return [...this.store.outbox.rejected(), ...this.store.notices.list()].sort((a, b) => a.rejected_at.localeCompare(b.rejected_at));
  }

  discard(mutationId: string): void {
    const removed = this.store.tx(() => {
      const entry = this.store.outbox.get(mutationId);
      if (entry?.status === 'rejected') {
        this.store.outbox.remove(mutationId);
        return true;
      }
      return this.store.notices.remove(mutationId);
    });
    if (!removed) throw notFound('attention item');
    this.changed([]);
  }

  retry(mutationId: string, editedArgs?: Record<string, unknown>): void {
    const entry = this.store.outbox.get(mutationId);
    const item = entry?.status === 'rejected' ? { name: entry.name, args: entry.args } : this.store.notices.get(mutationId);
    if (!item) throw notFound('attention item');
    const name = item.name as MutatorName;
    const entity = entityOf(name);
    // The edited change still targets the same record.
    const args = { ...(editedArgs ?? item.args), id: item.args.id };
    this.writer.writeMany([{ name, args }], () => {
      if (entry?.status === 'rejected') this.store.outbox.remove(mutationId);
      else this.store.notices.remove(mutationId);
      // A rejected create may still be on screen (its rollback waits for the next pull).
      const stored = this.store.entities.get(entity, String(args.id));
      if (isCreate(name) && stored && stored.server === null) this.store.entities.delete(entity, String(args.id));
    });
    this.changed([entity]);
  }
}
