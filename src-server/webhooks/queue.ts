/**
 * The delivery queue's store side: the `webhook_deliveries` rows. A delivery is claimed by
 * leasing it (`leased_until`, and `next_attempt_at` pushed to the same moment, so one whose
 * process died falls due again when the lease runs out); the leases in the store are what the
 * concurrency caps count, so the caps hold across every API instance on one database.
 */
import { sql } from 'kysely';
import type { Db } from '../db/connection';
import { isPostgres } from '../db/dialect';
import { literalLimit } from '../db/literal-limit';

export interface ClaimLimits {
  /** rows to claim at most (this instance's free slots) */
  max: number;
  /** attempts in flight per organization, across instances */
  perOrganization: number;
  /** attempts in flight per endpoint, across instances */
  perEndpoint: number;
}

export interface Claimed {
  id: string;
  leaseUntil: string;
}

/**
 * Claims due deliveries within the caps, oldest due first. Each endpoint's and each
 * organization's due rows are ranked (window functions) and only those that fit beside the
 * attempts already in flight are candidates, so one organization's backlog can never crowd
 * another's rows out of a claim. On PostgreSQL the candidates are locked `FOR UPDATE SKIP
 * LOCKED`: instances claiming at the same moment take different rows and never wait for each
 * other, and a row another instance is claiming still counts in the ranks, so two instances
 * together cannot exceed a cap. SQLite has one writer (one process): its transaction suffices.
 */
export async function claimDue(db: Db, now: Date, leaseMs: number, limits: ClaimLimits): Promise<Claimed[]> {
  const nowIso = now.toISOString();
  const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
  const locking = isPostgres(db) ? sql`FOR UPDATE SKIP LOCKED` : sql``;
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: string }>`
      WITH due AS (
        SELECT id, organization_id, webhook_id, next_attempt_at,
               row_number() OVER (PARTITION BY webhook_id ORDER BY next_attempt_at, id) AS hook_rank
        FROM webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at <= ${nowIso}
      ),
      in_flight AS (
        SELECT organization_id, webhook_id FROM webhook_deliveries
        WHERE status = 'pending' AND leased_until > ${nowIso}
      ),
      hook_busy AS (SELECT webhook_id, count(*) AS n FROM in_flight GROUP BY webhook_id),
      org_busy AS (SELECT organization_id, count(*) AS n FROM in_flight GROUP BY organization_id),
      fits_endpoint AS (
        SELECT due.id, due.organization_id,
               row_number() OVER (PARTITION BY due.organization_id ORDER BY due.next_attempt_at, due.id) AS org_rank
        FROM due LEFT JOIN hook_busy ON hook_busy.webhook_id = due.webhook_id
        WHERE due.hook_rank + coalesce(hook_busy.n, 0) <= ${limits.perEndpoint}
      ),
      fits AS (
        SELECT fits_endpoint.id FROM fits_endpoint
        LEFT JOIN org_busy ON org_busy.organization_id = fits_endpoint.organization_id
        WHERE fits_endpoint.org_rank + coalesce(org_busy.n, 0) <= ${limits.perOrganization}
      )
      SELECT d.id FROM webhook_deliveries d
      WHERE d.id IN (SELECT id FROM fits) AND d.status = 'pending' AND d.next_attempt_at <= ${nowIso}
      ORDER BY d.next_attempt_at, d.id
      LIMIT ${literalLimit(limits.max)}
      ${locking}`.execute(trx);
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    await trx.updateTable('webhook_deliveries').set({ next_attempt_at: leaseUntil, leased_until: leaseUntil }).where('id', 'in', ids).execute();
    return ids.map((id) => ({ id, leaseUntil }));
  });
}

/** What an attempt needs: the delivery and its endpoint as they are now. */
export async function loadAttempt(db: Db, id: string) {
  return db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
    .select([
      'webhook_deliveries.organization_id',
      'webhook_deliveries.webhook_id',
      'webhook_deliveries.payload',
      'webhook_deliveries.event',
      'webhook_deliveries.attempts',
      'webhooks.url',
      'webhooks.secret',
      'webhooks.deleted_at',
      'webhooks.disabled_at',
    ])
    .where('webhook_deliveries.id', '=', id)
    .executeTakeFirst();
}

export interface Outcome {
  status: 'pending' | 'delivered' | 'failed';
  attempts?: number;
  last_status_code?: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  delivered_at?: string | null;
}

/**
 * Records an attempt's outcome and ends its lease. Only while the lease is ours: had it run out
 * (a stalled process) and another instance taken the row, that instance's record stands.
 */
export async function finishAttempt(db: Db, claim: Claimed, outcome: Outcome): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ ...outcome, leased_until: null })
    .where('id', '=', claim.id)
    .where('leased_until', '=', claim.leaseUntil)
    .execute();
}

/** Hands back claims that will not be attempted (the instance is stopping): due again at once. */
export async function releaseClaims(db: Db, claims: Claimed[], now: Date): Promise<void> {
  for (const claim of claims) {
    await db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: now.toISOString(), leased_until: null })
      .where('id', '=', claim.id)
      .where('leased_until', '=', claim.leaseUntil)
      .execute();
  }
}

/** A success ends the endpoint's run of failures. */
export async function endpointSucceeded(db: Db, webhookId: string): Promise<void> {
  await db
    .updateTable('webhooks')
    .set({ consecutive_failures: 0, failing_since: null })
    .where('id', '=', webhookId)
    .where('consecutive_failures', '>', 0)
    .execute();
}

/** A failure lengthens the run (atomically: instances fail attempts at once); returns it. */
export async function endpointFailed(db: Db, webhookId: string, nowIso: string): Promise<{ failures: number; since: string }> {
  const row = await db
    .updateTable('webhooks')
    .set((eb) => ({
      consecutive_failures: eb('consecutive_failures', '+', 1),
      failing_since: eb.fn.coalesce('failing_since', eb.val(nowIso)),
    }))
    .where('id', '=', webhookId)
    .returning(['consecutive_failures', 'failing_since'])
    .executeTakeFirstOrThrow();
  return { failures: row.consecutive_failures, since: row.failing_since ?? nowIso };
}

/**
 * When the dispatcher should look again: the earliest delivery falling due after `claimedAt`.
 * Rows already due then and left unclaimed wait for a cap to free up (an attempt of this
 * instance finishing wakes it; another instance's is noticed by the poll), so they must not
 * make the loop spin.
 */
export async function nextDueAfter(db: Db, claimedAt: Date): Promise<number | null> {
  const next = await db
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.min('next_attempt_at').as('due'))
    .where('status', '=', 'pending')
    .where('next_attempt_at', '>', claimedAt.toISOString())
    .executeTakeFirst();
  const due = next?.due ? Date.parse(next.due) : NaN;
  return Number.isFinite(due) ? due : null;
}
