/**
 * Webhook subscriptions and their delivery log (admin only). Deliveries are queued by
 * mutation.ts in the transaction of the change and sent by webhooks/dispatcher.ts.
 *
 * The signing secret is kept in clear, unlike tokens and API keys: the server itself must
 * compute the HMAC with it on every delivery, so a one-way hash would be useless. It leaves the
 * API only once, in the create answer.
 */
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../../src-shared/domain/enums';
import type { Page, PageQuery } from '../../src-shared/schemas/common';
import type {
  DeliveryListQuery,
  WebhookCreate,
  WebhookCreated,
  WebhookDelivery,
  WebhookRead,
} from '../../src-shared/schemas/webhooks';
import type { Database, DeliveryRow, WebhookRow } from '../db/schema';
import { ApiError, notFound } from '../http/api-error';
import { newWebhookSecret } from '../webhooks/signature';
import { requireRole, requireUser, type Actor } from './actor';
import { mutate } from './mutation';
import type { ServerContext } from './server-context';
import { fetchPage } from './paging';

export const WEBHOOK_DELETED_ERROR = 'webhook deleted';
export const WEBHOOK_DISABLED_ERROR = 'webhook disabled';

function parseEvents(text: string): WebhookEvent[] {
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) return [];
    return value.filter((e): e is WebhookEvent => (WEBHOOK_EVENTS as readonly unknown[]).includes(e));
  } catch {
    return [];
  }
}

export function toWebhookRead(row: WebhookRow): WebhookRead {
  return {
    id: row.id,
    organization_id: row.organization_id,
    url: row.url,
    events: parseEvents(row.events),
    description: row.description,
    active: row.active === 1 && !row.deleted_at && !row.disabled_at,
    created_at: row.created_at,
    deleted_at: row.deleted_at,
    disabled_at: row.disabled_at,
    disabled_reason: row.disabled_reason,
    consecutive_failures: row.consecutive_failures,
    failing_since: row.failing_since,
  };
}

export function toWebhookDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    webhook_id: row.webhook_id,
    event: row.event as WebhookEvent,
    status: row.status as WebhookDelivery['status'],
    attempts: row.attempts,
    next_attempt_at: row.next_attempt_at,
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    created_at: row.created_at,
    delivered_at: row.delivered_at,
  };
}

/**
 * Creating or removing a subscription needs a signed-in admin, not merely an admin-role key: a
 * webhook sends patient data to wherever it points for as long as it exists, so a leaked key
 * must not be able to set up a feed that outlives the key's revocation. Keys may list them.
 */
function requireSignedInAdmin(actor: Actor): void {
  requireRole(actor, 'admin');
  requireUser(actor);
}

export async function createWebhook(ctx: ServerContext, actor: Actor, input: WebhookCreate): Promise<WebhookCreated> {
  requireSignedInAdmin(actor);
  const secret = newWebhookSecret();
  const row = await mutate(ctx, actor, async (m) => {
    const row: WebhookRow = {
      id: uuidv7(),
      organization_id: actor.organizationId,
      url: input.url,
      events: JSON.stringify([...new Set(input.events)]),
      description: input.description ?? '',
      secret,
      active: 1,
      created_by: actor.userId,
      created_at: m.now,
      deleted_at: null,
      consecutive_failures: 0,
      failing_since: null,
      disabled_at: null,
      disabled_reason: null,
    };
    await m.trx.insertInto('webhooks').values(row).execute();
    await m.record({ entity: 'webhook', entityId: row.id, action: 'create', after: toWebhookRead(row) });
    return row;
  });
  return { ...toWebhookRead(row), secret };
}

async function findWebhook(db: Kysely<Database>, actor: Actor, id: string): Promise<WebhookRow> {
  const row = await db
    .selectFrom('webhooks')
    .selectAll()
    .where('id', '=', id)
    .where('organization_id', '=', actor.organizationId)
    .executeTakeFirst();
  if (!row) throw notFound('webhook');
  return row;
}

/** Deleted webhooks stay listed (inactive) so their delivery log can still be found. */
export async function listWebhooks(ctx: ServerContext, actor: Actor, query: PageQuery): Promise<Page<WebhookRead>> {
  requireRole(actor, 'admin');
  const base = ctx.db.selectFrom('webhooks').where('organization_id', '=', actor.organizationId);
  return fetchPage({
    list: 'webhooks',
    rows: base.selectAll(),
    count: () => base.select((eb) => eb.fn.countAll<number>().as('total')),
    keys: [
      { by: 'created_at', dir: 'desc', of: (r) => r.created_at },
      { by: 'id', dir: 'desc', of: (r) => r.id },
    ],
    query,
    map: toWebhookRead,
  });
}

/**
 * Deactivates the webhook and fails its pending deliveries at once, so the delivery log says
 * why they never arrived. One already in flight may still land; the dispatcher re-checks the
 * webhook before every later attempt.
 */
export async function deleteWebhook(ctx: ServerContext, actor: Actor, id: string): Promise<WebhookRead> {
  requireSignedInAdmin(actor);
  return mutate(ctx, actor, async (m) => {
    const before = await findWebhook(m.trx, actor, id);
    if (before.deleted_at) return toWebhookRead(before);
    const after: WebhookRow = { ...before, active: 0, deleted_at: m.now };
    await m.trx.updateTable('webhooks').set({ active: 0, deleted_at: m.now }).where('id', '=', id).execute();
    await m.trx
      .updateTable('webhook_deliveries')
      .set({ status: 'failed', last_error: WEBHOOK_DELETED_ERROR, next_attempt_at: null })
      .where('webhook_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
    await m.record({ entity: 'webhook', entityId: id, action: 'delete', before: toWebhookRead(before), after: toWebhookRead(after) });
    return toWebhookRead(after);
  });
}

/**
 * Re-enables an endpoint the dispatcher disabled (endpoint-health.ts): deliveries are queued for
 * it again from now on, with a fresh run of failures. Like creating one, it resumes a feed of
 * patient data, so it needs a signed-in admin. Enabling an enabled webhook changes nothing.
 */
export async function enableWebhook(ctx: ServerContext, actor: Actor, id: string): Promise<WebhookRead> {
  requireSignedInAdmin(actor);
  return mutate(ctx, actor, async (m) => {
    const before = await findWebhook(m.trx, actor, id);
    if (before.deleted_at) throw new ApiError('CONFLICT', 'a deleted webhook cannot be enabled: create a new one');
    if (!before.disabled_at) return toWebhookRead(before);
    const change = { disabled_at: null, disabled_reason: null, consecutive_failures: 0, failing_since: null };
    await m.trx.updateTable('webhooks').set(change).where('id', '=', id).execute();
    const after: WebhookRow = { ...before, ...change };
    await m.record({ entity: 'webhook', entityId: id, action: 'enable', before: toWebhookRead(before), after: toWebhookRead(after) });
    return toWebhookRead(after);
  });
}

/** The delivery log, newest first (ids are UUIDv7, so they sort by creation). */
export async function listDeliveries(
  ctx: ServerContext,
  actor: Actor,
  webhookId: string,
  query: DeliveryListQuery,
): Promise<Page<WebhookDelivery>> {
  requireRole(actor, 'admin');
  await findWebhook(ctx.db, actor, webhookId);
  let base = ctx.db.selectFrom('webhook_deliveries').where('webhook_id', '=', webhookId);
  if (query.status) base = base.where('status', '=', query.status);
  return fetchPage({
    list: 'deliveries',
    rows: base.selectAll(),
    count: () => base.select((eb) => eb.fn.countAll<number>().as('total')),
    keys: [
      { by: 'created_at', dir: 'desc', of: (r) => r.created_at },
      { by: 'id', dir: 'desc', of: (r) => r.id },
    ],
    query,
    map: toWebhookDelivery,
  });
}
