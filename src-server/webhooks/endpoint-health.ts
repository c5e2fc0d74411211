/**
 * Disabling an endpoint that keeps failing: after WEBHOOK_DISABLE_AFTER_FAILURES failed attempts
 * in a row spanning at least WEBHOOK_DISABLE_AFTER_MS, the webhook stops receiving (nothing more
 * is queued for it, its pending deliveries fail with "webhook disabled"), says why in its
 * `disabled_reason`, and the audit log records a `disable` by the system. An admin re-enables it
 * (domain/webhooks.ts, `enableWebhook`).
 */
import { systemActor } from '../domain/actor';
import { mutate } from '../domain/mutation';
import type { ServerContext } from '../domain/server-context';
import { toWebhookRead, WEBHOOK_DISABLED_ERROR } from '../domain/webhooks';

export function disabledReason(run: { failures: number; since: string }, lastError: string): string {
  return `${run.failures} failed attempts in a row since ${run.since}; the last: ${lastError}`.slice(0, 500);
}

/** Returns whether this call disabled it (another instance, or an earlier failure, may have). */
export async function disableFailingEndpoint(
  ctx: ServerContext,
  organizationId: string,
  webhookId: string,
  run: { failures: number; since: string },
  lastError: string,
): Promise<boolean> {
  return mutate(ctx, systemActor(organizationId), async (m) => {
    const before = await m.trx.selectFrom('webhooks').selectAll().where('id', '=', webhookId).executeTakeFirst();
    if (!before || before.deleted_at || before.disabled_at) return false;
    const change = { disabled_at: m.now, disabled_reason: disabledReason(run, lastError) };
    const updated = await m.trx
      .updateTable('webhooks')
      .set(change)
      .where('id', '=', webhookId)
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return false;
    await m.trx
      .updateTable('webhook_deliveries')
      .set({ status: 'failed', last_error: WEBHOOK_DISABLED_ERROR, next_attempt_at: null })
      .where('webhook_id', '=', webhookId)
      .where('status', '=', 'pending')
      .execute();
    await m.record({ entity: 'webhook', entityId: webhookId, action: 'disable', before: toWebhookRead(before), after: toWebhookRead({ ...before, ...change }) });
    return true;
  });
}
