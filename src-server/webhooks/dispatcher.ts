/**
 * Delivers queued webhook deliveries from the database (the queue: ./queue.ts). Every attempt
 * runs on its own: a slot frees the moment its attempt ends and is filled again at once, so an
 * endpoint that never answers holds only its own slots, never a batch of other endpoints' or
 * other organizations' deliveries. How many may be in flight is capped per instance, per
 * organization and per endpoint. An endpoint that keeps failing is disabled (./endpoint-health.ts).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ServerContext } from '../domain/server-context';
import { WEBHOOK_DELETED_ERROR, WEBHOOK_DISABLED_ERROR } from '../domain/webhooks';
import { disableFailingEndpoint } from './endpoint-health';
import { claimDue, endpointFailed, endpointSucceeded, finishAttempt, loadAttempt, nextDueAfter, releaseClaims, type Claimed } from './queue';
import { createSender } from './send';

export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

export interface Dispatcher {
  /** Resolves once the attempts in flight have ended; claims nothing more. */
  stop(): Promise<void>;
}

export function startWebhookDispatcher(ctx: ServerContext, log: FastifyBaseLogger): Dispatcher {
  const { config } = ctx;
  const send = createSender({ allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_TARGETS === '1', timeoutMs: config.WEBHOOK_TIMEOUT_MS, now: ctx.now });
  // A lease outlives the attempt's own timeout, so only a process that died loses it.
  const leaseMs = config.WEBHOOK_TIMEOUT_MS + 5_000;
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  async function attempt(claim: Claimed): Promise<void> {
    const row = await loadAttempt(ctx.db, claim.id);
    if (!row) return;
    const now = () => ctx.now().toISOString();
    if (row.deleted_at || row.disabled_at) {
      const last_error = row.deleted_at ? WEBHOOK_DELETED_ERROR : WEBHOOK_DISABLED_ERROR;
      await finishAttempt(ctx.db, claim, { status: 'failed', last_error, next_attempt_at: null });
      return;
    }

    const attempts = row.attempts + 1;
    const { statusCode, error } = await send({ id: claim.id, event: row.event, url: row.url, secret: row.secret, payload: row.payload });
    if (!error) {
      await finishAttempt(ctx.db, claim, { status: 'delivered', attempts, last_status_code: statusCode, last_error: null, delivered_at: now(), next_attempt_at: null });
      await endpointSucceeded(ctx.db, row.webhook_id);
      return;
    }
    const giveUp = attempts >= config.WEBHOOK_MAX_ATTEMPTS;
    const next = new Date(ctx.now().getTime() + backoffMs(attempts, config.WEBHOOK_BACKOFF_BASE_MS, config.WEBHOOK_BACKOFF_MAX_MS));
    await finishAttempt(ctx.db, claim, {
      status: giveUp ? 'failed' : 'pending',
      attempts,
      last_status_code: statusCode,
      last_error: error.slice(0, 500),
      next_attempt_at: giveUp ? null : next.toISOString(),
    });
    log.warn({ delivery: claim.id, webhook: row.webhook_id, attempts, error }, giveUp ? 'webhook delivery failed for good' : 'webhook delivery will be retried');
    const run = await endpointFailed(ctx.db, row.webhook_id, now());
    if (run.failures >= config.WEBHOOK_DISABLE_AFTER_FAILURES && ctx.now().getTime() - Date.parse(run.since) >= config.WEBHOOK_DISABLE_AFTER_MS) {
      const disabled = await disableFailingEndpoint(ctx, row.organization_id, row.webhook_id, run, error);
      if (disabled) log.warn({ webhook: row.webhook_id, failures: run.failures, since: run.since }, 'webhook endpoint disabled');
    }
  }

  function start(claim: Claimed): void {
    const running: Promise<void> = attempt(claim)
      .catch((err: unknown) => log.error({ err, delivery: claim.id }, 'webhook delivery attempt failed'))
      .finally(() => {
        inFlight.delete(running);
        // its slot is free: fill it now rather than at the next poll
        void fill();
      });
    inFlight.add(running);
  }

  // One claim at a time per instance; a wake-up during a claim makes it claim again at once.
  let filling: Promise<void> | null = null;
  let again = false;
  function fill(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (filling) {
      again = true;
      return filling;
    }
    filling = (async () => {
      if (timer) clearTimeout(timer);
      timer = null;
      let delay = config.WEBHOOK_POLL_MS;
      try {
        do {
          again = false;
          const free = config.WEBHOOK_CONCURRENCY - inFlight.size;
          if (free <= 0) return; // a finishing attempt calls fill()
          const claimedAt = ctx.now();
          const claims = await claimDue(ctx.db, claimedAt, leaseMs, {
            max: free,
            perOrganization: config.WEBHOOK_ORG_CONCURRENCY,
            perEndpoint: config.WEBHOOK_ENDPOINT_CONCURRENCY,
          });
          if (stopped) {
            // claimed while stopping: due again at once for whichever instance runs next
            await releaseClaims(ctx.db, claims, ctx.now());
            return;
          }
          for (const claim of claims) start(claim);
          if (claims.length === free) return; // full; a finishing attempt calls fill()
          const due = await nextDueAfter(ctx.db, claimedAt);
          // The floor keeps a row that fell due meanwhile from spinning the loop.
          if (due !== null) delay = Math.min(config.WEBHOOK_POLL_MS, Math.max(5, due - ctx.now().getTime()));
        } while (again && !stopped);
      } catch (err) {
        log.error({ err }, 'webhook dispatcher could not claim deliveries');
        delay = config.WEBHOOK_POLL_MS;
      } finally {
        filling = null;
        // The poll also notices deliveries queued by other instances and caps they freed.
        if (!stopped) {
          if (timer) clearTimeout(timer);
          timer = setTimeout(() => void fill(), delay);
        }
      }
    })();
    return filling;
  }

  const onQueued = () => void fill();
  ctx.notifier.on('webhooksQueued', onQueued);
  void fill();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      ctx.notifier.off('webhooksQueued', onQueued);
      await filling;
      // attempts in flight finish (each bounded by WEBHOOK_TIMEOUT_MS) and record their outcome
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
  };
}
