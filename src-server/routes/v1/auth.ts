import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LoginRequest, RefreshRequest, TokenResponse } from '../../../src-shared/schemas/auth';
import { login, logout, refresh } from '../../domain/sessions';
import type { ServerContext } from '../../domain/server-context';
import { actorOf, bearerToken, requestMeta } from '../../http/auth';
import { ApiError } from '../../http/api-error';
import { createSignInGuard } from '../../http/sign-in-guard';

/** A throttled sign-in says when to come back, like the general rate limit does. */
function withRetryAfter(reply: FastifyReply, err: unknown): never {
  const seconds = err instanceof ApiError ? err.details?.retry_after_seconds : undefined;
  if (typeof seconds === 'number') reply.header('Retry-After', seconds);
  throw err;
}

export function v1AuthRoutes(ctx: ServerContext): FastifyPluginAsyncZod {
  return async (app) => {
    const guard = createSignInGuard(ctx.config, ctx.db);
    app.post(
      '/auth/login',
      {
        config: { public: true, addressLimit: 'sign-in' },
        schema: { tags: ['auth'], summary: 'Sign in with email and password', security: [], body: LoginRequest, response: { 200: TokenResponse } },
      },
      async (req, reply) => login(ctx, req.body, requestMeta(req), guard).catch((err: unknown) => withRetryAfter(reply, err)),
    );

    app.post(
      '/auth/refresh',
      {
        config: { public: true, addressLimit: 'refresh' },
        schema: { tags: ['auth'], summary: 'Exchange a refresh token for a new token pair', security: [], body: RefreshRequest, response: { 200: TokenResponse } },
      },
      async (req) => refresh(ctx, req.body.refresh_token, requestMeta(req)),
    );

    app.post(
      '/auth/logout',
      { schema: { tags: ['auth'], summary: 'Revoke the access token used for this request', response: { 204: z.undefined() } } },
      async (req, reply) => {
        const token = bearerToken(req);
        if (!token) throw new ApiError('BAD_REQUEST', 'logout needs the Bearer token to revoke');
        await logout(ctx, actorOf(req), token);
        return reply.status(204).send();
      },
    );
  };
}
