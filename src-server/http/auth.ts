/**
 * Resolves the credential (Bearer token or X-API-Key), applies the per-credential rate limits
 * and refuses protected routes without a valid credential. Runs on every request, before
 * validation, so even a malformed request is counted and answered in the error format.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config';
import type { Actor } from '../domain/actor';
import { actorFromAccessToken, actorFromApiKey, recordApiKeyUse } from '../domain/sessions';
import type { ServerContext } from '../domain/server-context';
import { ApiError } from './api-error';
import { RateLimiter, type Limiter, type RateDecision, type RateWindow } from './rate-limit';
import { registerRefusalAudit } from './refusal-audit';
import { pathOf } from './request-path';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** Routes that need no credential (sign-in, refresh, the OpenAPI document). */
    public?: boolean;
    /**
     * Unauthenticated requests to this route count against its own per-address limit instead of
     * the general one: a flood of sign-ins from one NAT must not lock its clients out of refresh.
     */
    addressLimit?: 'sign-in' | 'refresh';
    /**
     * The load balancers' readiness probe (/ready): no credential, no rate limit. It comes every
     * second or so from each balancer to each instance, and on PostgreSQL counting it would need
     * the very database whose absence it must report.
     */
    probe?: boolean;
  }
}

export function requestMeta(request: FastifyRequest) {
  const given = request.headers['x-request-id'];
  return {
    requestId: request.id,
    // kept for correlation with the client's logs, bounded; never used as the request's id
    clientRequestId: typeof given === 'string' && given.length > 0 ? given.slice(0, 128) : null,
    ip: request.ip,
    route: `${request.method} ${pathOf(request)}`,
  };
}


/** The signed-in actor; routes marked public must not call this. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new ApiError('UNAUTHORIZED', 'authentication required');
  return request.actor;
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

export function rateWindows(config: Config): RateWindow[] {
  return [
    { limit: config.RATE_LIMIT_PER_MINUTE, windowMs: 60_000 },
    { limit: config.RATE_LIMIT_PER_HOUR, windowMs: 3_600_000 },
    { limit: config.RATE_LIMIT_PER_DAY, windowMs: 86_400_000 },
  ];
}

export function createRateLimiter(config: Config): RateLimiter {
  return new RateLimiter(rateWindows(config));
}

function setRateHeaders(reply: FastifyReply, d: RateDecision) {
  reply.header('X-RateLimit-Limit', d.limit);
  reply.header('X-RateLimit-Remaining', d.remaining);
  reply.header('X-RateLimit-Reset', d.reset);
}

export type AddressLimit = 'sign-in' | 'refresh';

/** The windows of the per-address limits that sign-in and refresh have apart from the general one. */
export function addressWindows(config: Config): Record<AddressLimit, RateWindow[]> {
  return {
    'sign-in': [
      { limit: config.SIGNIN_RATE_LIMIT_PER_MINUTE, windowMs: 60_000 },
      { limit: config.SIGNIN_RATE_LIMIT_PER_HOUR, windowMs: 3_600_000 },
    ],
    refresh: [{ limit: config.REFRESH_RATE_LIMIT_PER_MINUTE, windowMs: 60_000 }],
  };
}

/**
 * `addressLimits`: where the sign-in and refresh counters live; in this process unless given
 * (several instances pass shared ones, like `limiter`).
 */
export function registerAuth(app: FastifyInstance, ctx: ServerContext, limiter: Limiter, addressLimits?: Record<AddressLimit, Limiter>): void {
  app.decorateRequest('actor', null);
  const windows = addressWindows(ctx.config);
  const ownLimits = addressLimits ?? { 'sign-in': new RateLimiter(windows['sign-in']), refresh: new RateLimiter(windows.refresh) };
  registerRefusalAudit(app, ctx);

  app.addHook('onRequest', async (request, reply) => {
    // Fastify builds a new object of a dozen properties on every read of `routeOptions`: read once.
    const route = request.routeOptions;
    if (route.config?.probe) return;
    const meta = requestMeta(request);
    const token = bearerToken(request);
    const apiKey = request.headers['x-api-key'];
    let authError: ApiError | null = null;
    try {
      if (typeof apiKey === 'string' && apiKey.length > 0) {
        request.actor = await actorFromApiKey(ctx, apiKey.slice(0, 256), meta);
      } else if (token) {
        request.actor = await actorFromAccessToken(ctx, token.slice(0, 256), meta);
      } else if (request.headers.authorization !== undefined) {
        authError = new ApiError('UNAUTHORIZED', 'Authorization header must be "Bearer <token>"');
      }
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      authError = err;
    }

    // Unauthenticated traffic is limited per address, which also slows password guessing.
    const own = request.actor ? undefined : route.config?.addressLimit;
    const key = request.actor ? `${request.actor.type}:${request.actor.id}` : `ip:${request.ip}`;
    // The in-memory limiter answers at once: awaiting it only when it is a promise (PostgreSQL's
    // shared counters) spares every request on SQLite a trip through the microtask queue.
    const hit = (own ? ownLimits[own] : limiter).hit(key);
    const decision = hit instanceof Promise ? await hit : hit;
    setRateHeaders(reply, decision);
    if (!decision.allowed) {
      reply.header('Retry-After', decision.retryAfterSeconds);
      throw new ApiError('RATE_LIMITED', 'rate limit exceeded', {
        limit: decision.limit,
        retry_after_seconds: decision.retryAfterSeconds,
      });
    }

    if (authError) throw authError;
    if (request.actor?.type === 'api_key') await recordApiKeyUse(ctx, request.actor, meta);
    if (!request.actor && !route.config?.public && route.url) {
      throw new ApiError('UNAUTHORIZED', 'authentication required: send "Authorization: Bearer <token>" or "X-API-Key"');
    }
  });
}
