/**
 * Delivers queued webhook deliveries from the database. The queue is the `webhook_deliveries`
 * table, so a restart loses nothing: a delivery is claimed by pushing its `next_attempt_at` past a
 * lease, and one whose process died is picked up again when the lease runs out.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ServerContext } from '../domain/server-context';
import { createSender } from './send';

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
  const send = createSender({ allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_TARGETS === '1', timeoutMs: config.WEBHOOK_TIMEOUT_MS, now: ctx.now });

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
    const { statusCode, error } = await send({ id, event: row.event, url: row.url, secret: row.secret, payload: row.payload });

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
    // allSettled: one failing write must not end the pass while its siblings are still in flight
    // (stop() waits for the pass, and the database closes right after).
    const results = await Promise.allSettled(due.map((d) => deliverOne(d.id, lease, d.next_attempt_at)));
    const failure = results.find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
    return results.filter((r) => r.status === 'fulfilled' && r.value).length;
  }

  let passFailed = false;
  function tick(): Promise<number> {
    if (!running) {
      running = pass()
        .then((n) => {
          passFailed = false;
          return n;
        })
        .catch((err: unknown) => {
          passFailed = true;
          log.error({ err }, 'webhook dispatcher pass failed');
          return 0;
        })
        .finally(() => {
          running = null;
        });
    }
    return running;
  }

  /** How long to sleep: until the earliest pending delivery is due, never longer than POLL_MS. */
  async function idleMs(): Promise<number> {
    if (passFailed) return config.WEBHOOK_POLL_MS;
    const next = await ctx.db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.min('next_attempt_at').as('due'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    const dueIn = next?.due ? Date.parse(next.due) - ctx.now().getTime() : NaN;
    if (!Number.isFinite(dueIn)) return config.WEBHOOK_POLL_MS;
    // The floor keeps a row that is due but cannot be claimed from spinning the loop.
    return Math.min(config.WEBHOOK_POLL_MS, Math.max(5, dueIn));
  }

  // One loop at a time. A wake-up while it runs (a delivery queued, a full batch) makes it go
  // round again at once instead of waiting for the poll timer; the timer alone covers retries
  // and deliveries queued by other API instances.
  let looping = false;
  let again = false;
  async function loop(): Promise<void> {
    if (stopped) return;
    if (looping) {
      again = true;
      return;
    }
    looping = true;
    if (timer) clearTimeout(timer);
    timer = null;
    try {
      for (;;) {
        again = false;
        const n = await tick();
        if (stopped) return;
        if (n >= BATCH || again) continue;
        const delay = await idleMs().catch(() => config.WEBHOOK_POLL_MS);
        if (stopped) return;
        if (again) continue;
        timer = setTimeout(() => void loop(), delay);
        return;
      }
    } finally {
      looping = false;
    }
  }

  const onQueued = () => void loop();
  ctx.notifier.on('webhooksQueued', onQueued);
  void loop();

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
