/**
 * The one write path. A service changes rows inside `mutate`, and records each change; the
 * recording writes the audit entry (who, how, before/after), the sync change-log row and the
 * webhook deliveries in the same transaction, then notifies listeners after commit.
 */
import type { Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { WebhookEvent } from '../../src-shared/domain/enums';
import type { AuditAction } from '../../src-shared/schemas/audit';
import type { Database } from '../db/schema';
import { appendSyncChange } from '../sync/change-log';
import { notifyCommitted, notifyWebhooksQueued } from '../sync/poke-bus';
import type { Actor } from './actor';
import { appendAuditEntry } from './audit-log';
import type { CommittedChange, ServerContext } from './server-context';

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

export class Mutation {
  readonly committed: CommittedChange[] = [];
  webhooksQueued = false;

  constructor(
    readonly trx: Transaction<Database>,
    readonly actor: Actor,
    readonly now: string,
  ) {}

  /** Where a savepoint starts: rolling back to it forgets what was recorded after it. */
  mark(): { committed: number; webhooksQueued: boolean } {
    return { committed: this.committed.length, webhooksQueued: this.webhooksQueued };
  }

  rollbackTo(mark: { committed: number; webhooksQueued: boolean }): void {
    this.committed.length = mark.committed;
    this.webhooksQueued = mark.webhooksQueued;
  }

  /**
   * Last thing before commit: tell the other API instances (PostgreSQL NOTIFY, delivered only
   * if the transaction commits). Their own listeners hear of it after commit, from announce().
   */
  async beforeCommit(ctx: ServerContext): Promise<void> {
    await notifyCommitted(this.trx, ctx.notifier.origin, this.committed);
    if (this.webhooksQueued) await notifyWebhooksQueued(this.trx, ctx.notifier.origin);
  }

  /** After commit: tell the listeners (sync pokes, the webhook dispatcher). */
  announce(ctx: ServerContext): void {
    if (this.committed.length) ctx.notifier.emit('committed', this.committed);
    if (this.webhooksQueued) ctx.notifier.emit('webhooksQueued');
  }

  async record(change: ChangeRecord): Promise<void> {
    const { trx, actor, now } = this;
    await appendAuditEntry(
      trx,
      actor,
      { action: change.action, entity: change.entity, entityId: change.entityId, before: change.before, after: change.after },
      now,
    );

    if (change.sync) this.committed.push(await appendSyncChange(trx, actor.organizationId, change, now));

    for (const emit of change.webhooks ?? []) {
      await this.queueWebhook(emit);
    }
  }

  /** The organization's active webhooks, read once per transaction (a push batch records hundreds of changes). */
  private hooks?: Promise<{ id: string; events: string[] }[]>;

  private async queueWebhook(emit: WebhookEmit): Promise<void> {
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
    const payload = JSON.stringify({
      event: emit.event,
      timestamp: this.now,
      data: { id: emit.id, type: emit.type, attributes: emit.attributes },
    });
    for (const hook of hooks) {
      if (!hook.events.includes(emit.event)) continue;
      await this.trx
        .insertInto('webhook_deliveries')
        .values({
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
        })
        .execute();
      this.webhooksQueued = true;
    }
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
