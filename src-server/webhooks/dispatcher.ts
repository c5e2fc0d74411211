/**
 * Delivers queued webhook deliveries from the database. The queue is the `webhook_deliveries`
 * table, so a restart loses nothing: a delivery is claimed by pushing its `next_attempt_at` past a
 * lease, and one whose process died is picked up again when the lease runs out.
 */
import type { FastifyBaseLogger } from 'fastify';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER } from '../../src-shared/schemas/webhooks';
import type { ServerContext } from '../domain/server-context';
import { signBody } from './signature';

const BATCH = 20;

export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

export interface Dispatcher {
  /** Runs one pass now; resolves when the due deliveries were attempted. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

export function startWebhookDispatcher(ctx: ServerContext, log: FastifyBaseLogger): Dispatcher {
  const { config } = ctx;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let stopped = false;

  async function deliverOne(id: string, leaseUntil: string, expectedNext: string | null): Promise<boolean> {
    // Claim: only one instance moves next_attempt_at from the value it read.
    const claimed = await ctx.db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: leaseUntil })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', expectedNext === null ? 'is' : '=', expectedNext)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return false;

    const row = await ctx.db
      .selectFrom('webhook_deliveries')
      .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
      .select([
        'webhook_deliveries.payload',
        'webhook_deliveries.event',
        'webhook_deliveries.attempts',
        'webhooks.url',
        'webhooks.secret',
        'webhooks.active',
        'webhooks.deleted_at',
      ])
      .where('webhook_deliveries.id', '=', id)
      .executeTakeFirstOrThrow();

    const now = () => ctx.now().toISOString();
    if (row.deleted_at || !row.active) {
      await ctx.db
        .updateTable('webhook_deliveries')
        .set({ status: 'failed', last_error: 'webhook deleted', next_attempt_at: null })
        .where('id', '=', id)
        .execute();
      return true;
    }

    const attempts = row.attempts + 1;
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(row.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'OnCallDesk-Webhooks/1.0',
          [EVENT_HEADER]: row.event,
          [DELIVERY_HEADER]: id,
          [SIGNATURE_HEADER]: signBody(row.secret, row.payload),
        },
        body: row.payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(config.WEBHOOK_TIMEOUT_MS),
      });
      statusCode = res.status;
      await res.body?.cancel();
      if (res.status < 200 || res.status >= 300) error = `receiver answered ${res.status}`;
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }

    if (!error) {
      await ctx.db
        .updateTable('webhook_deliveries')
        .set({ status: 'delivered', attempts, last_status_code: statusCode, last_error: null, delivered_at: now(), next_attempt_at: null })
        .where('id', '=', id)
        .execute();
      return true;
    }
    const giveUp = attempts >= config.WEBHOOK_MAX_ATTEMPTS;
    const next = new Date(ctx.now().getTime() + backoffMs(attempts, config.WEBHOOK_BACKOFF_BASE_MS, config.WEBHOOK_BACKOFF_MAX_MS));
    await ctx.db
      .updateTable('webhook_deliveries')
      .set({
        status: giveUp ? 'failed' : 'pending',
        attempts,
        last_status_code: statusCode,
        last_error: error.slice(0, 500),
        next_attempt_at: giveUp ? null : next.toISOString(),
      })
      .where('id', '=', id)
      .execute();
    log.warn({ delivery: id, attempts, error }, giveUp ? 'webhook delivery failed for good' : 'webhook delivery will be retried');
    return true;
  }

  async function pass(): Promise<number> {
    const nowIso = ctx.now().toISOString();
    const due = await ctx.db
      .selectFrom('webhook_deliveries')
      .select(['id', 'next_attempt_at'])
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', nowIso)
      .orderBy('next_attempt_at')
      .limit(BATCH)
      .execute();
    const lease = new Date(ctx.now().getTime() + config.WEBHOOK_TIMEOUT_MS + 5_000).toISOString();
    const done = await Promise.all(due.map((d) => deliverOne(d.id, lease, d.next_attempt_at)));
    return done.filter(Boolean).length;
  }

  function tick(): Promise<number> {
    if (!running) {
      running = pass()
        .catch((err: unknown) => {
          log.error({ err }, 'webhook dispatcher pass failed');
          return 0;
        })
        .finally(() => {
          running = null;
        });
    }
    return running;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(async () => {
      const n = await tick();
      // A full batch means more is waiting: go again at once.
      if (n >= BATCH) setImmediate(schedule);
      else schedule();
    }, config.WEBHOOK_POLL_MS);
  }

  const onQueued = () => void tick();
  ctx.notifier.on('webhooksQueued', onQueued);
  schedule();

  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      ctx.notifier.off('webhooksQueued', onQueued);
      await running;
    },
  };
}
