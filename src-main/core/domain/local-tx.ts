/**
 * The rulebook's transaction interface over the desktop's store. Reads see this transaction's own
 * writes first (`overlay`), so a rebase can replay several pending mutations of one record on top
 * of the server's state without touching the store in between. A record missing here is
 * "unknown" (undefined), not "absent": the desktop mirrors only what its user may see, so checks
 * against it are left to the server.
 */
import { shiftsOverlap } from '../../../src-shared/domain/shifts';
import type { MutatorTx, OrgSettings, RecordOf, RuleActor, RuleEntity } from '../../../src-shared/mutators';
import type { Schedule } from '../../../src-shared/schemas/oncall';
import type { LocalStore } from '../store';

type Key = `${RuleEntity}:${string}`;

export class LocalTx implements MutatorTx {
  readonly overlay = new Map<Key, RecordOf[RuleEntity] | null>();
  /** records the caller has read already in this transaction (so the body does not read them again) */
  private readonly reads = new Map<Key, RecordOf[RuleEntity] | null>();

  constructor(
    private readonly store: LocalStore,
    readonly actor: RuleActor,
    readonly now: string,
    readonly settings: OrgSettings,
  ) {}

  read<E extends RuleEntity>(entity: E, id: string): RecordOf[E] | undefined {
    const key: Key = `${entity}:${id}`;
    if (this.overlay.has(key)) return (this.overlay.get(key) ?? undefined) as RecordOf[E] | undefined;
    if (this.reads.has(key)) return (this.reads.get(key) ?? undefined) as RecordOf[E] | undefined;
    return this.store.entities.get<RecordOf[E]>(entity, id)?.data ?? undefined;
  }

  taken(entity: RuleEntity, id: string): boolean {
    const key: Key = `${entity}:${id}`;
    if (this.overlay.has(key)) return this.overlay.get(key) !== null;
    if (this.reads.has(key)) return this.reads.get(key) !== null;
    return this.store.entities.get(entity, id) !== null;
  }

  /** What the store holds for this record now (null: no row), as the caller just read it. */
  readAlready(entity: RuleEntity, id: string, record: RecordOf[RuleEntity] | null): void {
    this.reads.set(`${entity}:${id}`, record);
  }

  /** The desktop no longer has a record taken away from its user: the server decides. */
  wasOwner(): boolean {
    return false;
  }

  write<E extends RuleEntity>(entity: E, record: RecordOf[E]): void {
    this.overlay.set(`${entity}:${record.id}`, record);
  }

  /**
   * The staff member's shifts around a window, as this desktop has them (with this transaction's
   * own writes). A supervisor's desktop mirrors every shift of the organization, so its answer is
   * the server's as of the last pull; the server checks again when the change arrives.
   */
  shifts(staffId: string, startTime: string, endTime: string): Schedule[] {
    const byId = new Map<string, Schedule>();
    for (const s of this.store.entities.query<Schedule>('schedule', 'staff_id = ? AND start_time < ?', [staffId, endTime])) byId.set(s.id, s);
    for (const [key, record] of this.overlay) {
      if (!key.startsWith('schedule:')) continue;
      const id = key.slice('schedule:'.length);
      if (record) byId.set(id, record as Schedule);
      else byId.delete(id);
    }
    const window = { startTime, endTime };
    return [...byId.values()].filter((s) => s.staffId === staffId && shiftsOverlap(s, window));
  }

  /** Sets what a read of this record sees (a rebase starts from the server's state). */
  seed(entity: RuleEntity, id: string, record: RecordOf[RuleEntity] | null): void {
    this.overlay.set(`${entity}:${id}`, record);
  }

  get(entity: RuleEntity, id: string): RecordOf[RuleEntity] | null {
    return this.overlay.get(`${entity}:${id}`) ?? null;
  }
}
