/**
 * GET /auth/whoami: the credential's own identity and organization, for a signed-in user and an
 * API key alike. Integrations holding only a key learn here which organization the org-scoped
 * routes (/organizations/{org_id}/...) expect; nothing is revealed that the key could not
 * already see through those routes.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Credential } from '../../../src-shared/schemas/auth';
import type { ServerContext } from '../../domain/server-context';
import { ApiError } from '../../http/api-error';
import { actorOf } from '../../http/auth';

export function v1WhoamiRoutes(_ctx: ServerContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/auth/whoami',
      {
        schema: {
          tags: ['auth'],
          summary: "The credential's identity and organization (users and API keys)",
          response: { 200: Credential },
        },
      },
      async (req): Promise<Credential> => {
        const actor = actorOf(req);
        // A request's actor is a user or a key, both with an id; only the system has none.
        if (!actor.id) throw new ApiError('UNAUTHORIZED', 'authentication required');
        return { type: actor.type === 'api_key' ? 'api_key' : 'user', id: actor.id, organization_id: actor.organizationId, role: actor.role, name: actor.name };
      },
    );
  };
}
