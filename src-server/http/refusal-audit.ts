/**
 * Refusals go in the audit log too: a known principal's 403, its 404 on a route that names a
 * record (another agent's call, another organization's id), and 429s. Written after the answer
 * is sent, so a refusal costs the refused client no latency. A 429 is recorded once per
 * principal (or address) per minute: a flood of refused requests must not become a flood of
 * writes; denials are bounded by the rate limit that precedes them.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NO_ORGANIZATION, systemActor, type Actor } from '../domain/actor';
import { appendStandaloneEntry } from '../domain/audit-log';
import type { ServerContext } from '../domain/server-context';
import { requestMeta } from './auth';
import { pathOf } from './request-path';

const MINUTE_MS = 60_000;

function anonymousActor(request: FastifyRequest): Actor {
  const meta = requestMeta(request);
  return { ...systemActor(NO_ORGANIZATION), requestId: meta.requestId, clientRequestId: meta.clientRequestId, ip: meta.ip };
}

export function registerRefusalAudit(app: FastifyInstance, ctx: ServerContext): void {
  /** principal or address -> the minute whose first 429 was recorded */
  const throttled = new Map<string, number>();

  // A plain (callback) hook, not an async one: it runs after every answer and records nothing
  // for almost all of them, which then costs no promise and no trip through the microtask queue.
  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const actor = request.actor;
    let action: 'denied' | 'rate_limited';
    if (status === 429) {
      const who = actor ? `${actor.type}:${actor.id}` : `ip:${request.ip}`;
      const minute = Math.floor(ctx.now().getTime() / MINUTE_MS);
      if (throttled.get(who) === minute) return done();
      if (throttled.size > 50_000) throttled.clear();
      throttled.set(who, minute);
      action = 'rate_limited';
    } else if (actor && (status === 403 || (status === 404 && request.routeOptions.url?.includes(':')))) {
      action = 'denied';
    } else {
      return done();
    }
    appendStandaloneEntry(
      ctx.db,
      actor ?? anonymousActor(request),
      {
        action,
        entity: 'request',
        entityId: null,
        after: { request: `${request.method} ${pathOf(request)}`.slice(0, 300), status },
      },
      ctx.now().toISOString(),
    )
      .catch((err: unknown) => request.log.error({ err }, 'could not audit a refusal'))
      .finally(() => done());
  });
}
