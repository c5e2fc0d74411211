/**
 * The rulebook's transaction interface over the desktop's store. Reads see this transaction's own
 * writes first (`overlay`), so a rebase can replay several pending mutations of one record on top
 * of the server's state without touching the store in between. A record missing here is
 * "unknown" (undefined), not "absent": the desktop mirrors only what its user may see, so checks
 * against it are left to the server.
 */
import type { MutatorTx, OrgSettings, RecordOf, RuleActor, RuleEntity } from '../../../src-shared/mutators';
import type { LocalStore } from '../store';

type Key = `${RuleEntity}:${string}`;

export class LocalTx implements MutatorTx {
  readonly overlay = new Map<Key, RecordOf[RuleEntity] | null>();

  constructor(
    private readonly store: LocalStore,
    readonly actor: RuleActor,
    readonly now: string,
    readonly settings: OrgSettings,
  ) {}

  read<E extends RuleEntity>(entity: E, id: string): RecordOf[E] | undefined {
    const key: Key = `${entity}:${id}`;
    if (this.overlay.has(key)) return (this.overlay.get(key) ?? undefined) as RecordOf[E] | undefined;
    return this.store.entities.get<RecordOf[E]>(entity, id)?.data ?? undefined;
  }

  taken(entity: RuleEntity, id: string): boolean {
    const key: Key = `${entity}:${id}`;
    if (this.overlay.has(key)) return this.overlay.get(key) !== null;
    return this.store.entities.get(entity, id) !== null;
  }

  /** The desktop no longer has a record taken away from its user: the server decides. */
  wasOwner(): boolean {
    return false;
  }

  write<E extends RuleEntity>(entity: E, record: RecordOf[E]): void {
    this.overlay.set(`${entity}:${record.id}`, record);
  }

  /** Sets what a read of this record sees (a rebase starts from the server's state). */
  seed(entity: RuleEntity, id: string, record: RecordOf[RuleEntity] | null): void {
    this.overlay.set(`${entity}:${id}`, record);
  }

  get(entity: RuleEntity, id: string): RecordOf[RuleEntity] | null {
    return this.overlay.get(`${entity}:${id}`) ?? null;
  }
}
