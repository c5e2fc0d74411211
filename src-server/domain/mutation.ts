/**
 * The one write path. A service changes rows inside `mutate`, and records each change; the
 * recording writes the audit entry (who, how, before/after), the sync change-log row and the
 * webhook deliveries in the same transaction, then notifies listeners after commit.
 *
 * Recorded changes are journalled in memory and written together (`flush`) before commit: a
 * sync push records hundreds of changes in one transaction, and one multi-row insert per table
 * costs a fraction of a statement per change. Whoever reads those tables inside the
 * transaction (the former-owner rule reads the audit log, a lost-update notice needs its
 * change's seq) flushes first. The journal follows savepoints through mark()/rollbackTo().
 * A push batch defers the rows it creates the same way (`deferInserts`).
 */
import type { Insertable, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { WebhookEvent } from '../../src-shared/domain/enums';
import type { AuditAction } from '../../src-shared/schemas/audit';
import type { Database } from '../db/schema';
import { insertRows } from '../db/bulk-insert';
import { groupedBy } from '../db/chunks';
import { appendSyncChanges } from '../sync/change-log';
import { recordKey } from '../sync/records';
import { notifyCommitted, notifyWebhooksQueued } from '../sync/poke-bus';
import type { Actor } from './actor';
import { appendAuditEntries } from './audit-log';
import type { CommittedChange, PreparedPokes, ServerContext } from './server-context';

export interface WebhookEmit {
  event: WebhookEvent;
  type: string;
  id: string;
  attributes: Record<string, unknown>;
}

export interface ChangeRecord {
  entity: string;
  entityId: string;
  action: AuditAction;
  before?: object | null;
  after?: object | null;
  /** Whether the sync change log gets a row: the entities the desktop client mirrors. */
  sync?: boolean;
  webhooks?: WebhookEmit[];
}

/** Where a savepoint starts: rolling back to it forgets what was recorded (and written) after it. */
export interface MutationMark {
  recorded: number;
  flushed: number;
  logged: number;
  webhooksQueued: boolean;
  inserts: number;
  insertsFlushed: number;
}

/** The record tables a rule creates rows in. */
export type RecordTable = 'calls' | 'tasks' | 'patients' | 'users' | 'agent_states' | 'schedules';

interface PendingInsert {
  table: RecordTable;
  /** recordKey(entity, id) */
  key: string;
  row: Record<string, unknown>;
}

/**
 * A deferred insert failed when it was written. It cannot be pinned on one mutation of the
 * batch, so the push runs the batch again with every insert written at once (sync/push.ts).
 */
export class DeferredInsertFailed extends Error {
  constructor(readonly reason: unknown) {
    super(`a deferred insert failed: ${reason instanceof Error ? reason.message : String(reason)}`);
  }
}

export interface MutationOptions {
  /**
   * Keep created rows in memory until the next flush and write them one multi-row insert per
   * table (a push batch). Whoever reads a record table inside the transaction flushes first
   * (`flushInsertsOf`, `flushInserts`).
   */
  deferInserts?: boolean;
}

export class Mutation {
  /** every change recorded in this transaction, in order */
  private readonly journal: ChangeRecord[] = [];
  /** how much of the journal is written */
  private flushed = 0;
  /** change-log rows written, in order (a record changed twice may appear twice) */
  private readonly logged: CommittedChange[] = [];
  webhooksQueued = false;
  /** rows created in this transaction, in order; those from `insertsFlushed` on are not written yet */
  private readonly inserts: PendingInsert[] = [];
  private insertsFlushed = 0;
  /** the recordKeys of `inserts` */
  private created = new Set<string>();

  constructor(
    readonly trx: Transaction<Database>,
    readonly actor: Actor,
    readonly now: string,
    private readonly options: MutationOptions = {},
  ) {}

  mark(): MutationMark {
    return {
      recorded: this.journal.length,
      flushed: this.flushed,
      logged: this.logged.length,
      webhooksQueued: this.webhooksQueued,
      inserts: this.inserts.length,
      insertsFlushed: this.insertsFlushed,
    };
  }

  /** After the transaction rolled back to the savepoint taken at `mark`. */
  rollbackTo(mark: MutationMark): void {
    this.journal.length = mark.recorded;
    this.flushed = mark.flushed;
    this.logged.length = mark.logged;
    this.webhooksQueued = mark.webhooksQueued;
    if (this.inserts.length !== mark.inserts || this.insertsFlushed !== mark.insertsFlushed) {
      this.inserts.length = mark.inserts;
      this.insertsFlushed = mark.insertsFlushed;
      this.created = new Set(this.inserts.map((i) => i.key));
    }
  }

  /** Creates a record's row: at once, or at the next flush when inserts are deferred. */
  async insert(table: RecordTable, key: string, row: Record<string, unknown>): Promise<void> {
    if (!this.options.deferInserts) await insertRows(this.trx, table, [row as never]);
    this.inserts.push({ table, key, row });
    this.created.add(key);
    if (!this.options.deferInserts) this.insertsFlushed = this.inserts.length;
  }

  /** Whether this transaction created the record (its row may still be waiting in memory). */
  createdHere(key: string): boolean {
    return this.created.has(key);
  }

  /** Writes the waiting rows if one of these records is among them (before reading them). */
  async flushInsertsOf(keys: Iterable<string>): Promise<void> {
    if (this.insertsFlushed === this.inserts.length) return;
    const waiting = new Set(this.inserts.slice(this.insertsFlushed).map((i) => i.key));
    for (const key of keys) if (waiting.has(key)) return this.flushInserts();
  }

  /** Writes the waiting rows: one multi-row insert per table (and part), in creation order per table. */
  async flushInserts(): Promise<void> {
    const waiting = this.inserts.slice(this.insertsFlushed);
    if (!waiting.length) return;
    try {
      for (const [table, rows] of groupedBy(waiting, (i) => i.table, (i) => i.row)) await insertRows(this.trx, table, rows as never[]);
    } catch (err) {
      throw new DeferredInsertFailed(err);
    }
    this.insertsFlushed = this.inserts.length;
  }

  /** The change-log rows this transaction wrote: the last one of each record (pokes and nudges). */
  get committed(): CommittedChange[] {
    const last = new Map<string, CommittedChange>();
    for (const c of this.logged) {
      const key = recordKey(c.entity, c.entityId);
      last.delete(key);
      last.set(key, c);
    }
    return [...last.values()];
  }

  /** The seq of the record's change-log row, once flushed. */
  seqOf(entity: string, entityId: string): number | undefined {
    return this.logged.findLast((c) => c.entity === entity && c.entityId === entityId)?.seq;
  }

  /**
   * Last thing before commit: write the journal, then tell the other API instances (PostgreSQL
   * NOTIFY, delivered only if the transaction commits). Their own listeners hear of it after
   * commit, from announce().
   */
  async beforeCommit(ctx: ServerContext): Promise<void> {
    await this.flush();
    const committed = this.committed;
    await notifyCommitted(this.trx, ctx.notifier.origin, committed);
    if (this.webhooksQueued) await notifyWebhooksQueued(this.trx, ctx.notifier.origin);
  }

  /** After commit: tell the listeners (sync pokes, the webhook dispatcher). */
  announce(ctx: ServerContext, pokes?: PreparedPokes): void {
    const committed = this.committed;
    if (committed.length) ctx.notifier.emit('committed', committed, pokes);
    if (this.webhooksQueued) ctx.notifier.emit('webhooksQueued');
  }

  async record(change: ChangeRecord): Promise<void> {
    this.journal.push(change);
  }

  /** Flushes if the journal holds an unwritten change of this record (before reading its history). */
  async flushRecord(entity: string, entityId: string): Promise<void> {
    for (let i = this.flushed; i < this.journal.length; i++) {
      const c = this.journal[i]!;
      if (c.entity === entity && c.entityId === entityId) return this.flush();
    }
  }

  /** Writes what was recorded since the last flush: audit entries, change-log rows, webhook deliveries. */
  async flush(): Promise<void> {
    await this.flushInserts();
    const pending = this.journal.slice(this.flushed);
    if (!pending.length) return;
    const { trx, actor, now } = this;
    await appendAuditEntries(
      trx,
      actor,
      pending.map((c) => ({ action: c.action, entity: c.entity, entityId: c.entityId, before: c.before, after: c.after })),
      now,
    );
    this.logged.push(...(await appendSyncChanges(trx, actor.organizationId, pending.filter((c) => c.sync), now)));
    await this.queueWebhooks(pending.flatMap((c) => c.webhooks ?? []));
    this.flushed = this.journal.length;
  }

  /** The organization's active webhooks, read once per transaction (a push batch records hundreds of changes). */
  private hooks?: Promise<{ id: string; events: string[] }[]>;

  private async queueWebhooks(emits: WebhookEmit[]): Promise<void> {
    if (!emits.length) return;
    this.hooks ??= this.trx
      .selectFrom('webhooks')
      .select(['id', 'events'])
      .where('organization_id', '=', this.actor.organizationId)
      .where('active', '=', 1)
      .where('deleted_at', 'is', null)
      .where('disabled_at', 'is', null)
      .execute()
      .then((rows) => rows.map((r) => ({ id: r.id, events: JSON.parse(r.events) as string[] })));
    const hooks = await this.hooks;
    if (!hooks.length) return;
    const rows: Insertable<Database['webhook_deliveries']>[] = [];
    for (const emit of emits) {
      const payload = JSON.stringify({
        event: emit.event,
        timestamp: this.now,
        data: { id: emit.id, type: emit.type, attributes: emit.attributes },
      });
      for (const hook of hooks) {
        if (!hook.events.includes(emit.event)) continue;
        rows.push({
          id: uuidv7(),
          organization_id: this.actor.organizationId,
          webhook_id: hook.id,
          event: emit.event,
          payload,
          status: 'pending',
          attempts: 0,
          next_attempt_at: this.now,
          last_status_code: null,
          last_error: null,
          created_at: this.now,
          delivered_at: null,
        });
      }
    }
    await insertRows(this.trx, 'webhook_deliveries', rows);
    if (rows.length) this.webhooksQueued = true;
  }
}

export async function mutate<T>(ctx: ServerContext, actor: Actor, fn: (m: Mutation) => Promise<T>): Promise<T> {
  let mutation!: Mutation;
  const result = await ctx.db.transaction().execute(async (trx) => {
    mutation = new Mutation(trx, actor, ctx.now().toISOString());
    const value = await fn(mutation);
    await mutation.beforeCommit(ctx);
    return value;
  });
  mutation.announce(ctx);
  return result;
}
